#!/usr/bin/env python3
"""Which B-trees (tables, indexes) each transaction in a SQLite WAL wrote, and how many pages of each.

    python3 tests/PatientVoice.Benchmarks/wal-pages.py DB WAL

DB and WAL are copies taken while the server runs (copy the -wal first, then the database), e.g. of a
`submit --clients 1 --dir D` run: D/create.db and D/create.db-wal. Frames of the WAL's current generation (its salts)
are grouped into transactions at each commit frame; pages are named with SQLite's dbstat table, read from a scratch
copy of both files (so pages that exist only in the WAL are named too). Prints the pages per transaction and, per
B-tree, the mean number of its pages a transaction wrote. Measurement only: docs/benchmarks.md, issue 19, eighth session.
"""
import collections
import os
import shutil
import sqlite3
import struct
import sys
import tempfile

db, wal = sys.argv[1], sys.argv[2]
data = open(wal, 'rb').read()
_, _, page_size, _, salt1, salt2 = struct.unpack('>6I', data[:24])
frames, offset = [], 32
while offset + 24 + page_size <= len(data):
    page, commit, s1, s2 = struct.unpack('>4I', data[offset:offset + 16])
    if (s1, s2) != (salt1, salt2):
        break
    frames.append((page, commit))
    offset += 24 + page_size

with tempfile.TemporaryDirectory() as scratch:
    copy = os.path.join(scratch, 'copy.db')
    shutil.copy(db, copy)
    shutil.copy(wal, copy + '-wal')
    connection = sqlite3.connect(copy)
    owner = {page: name for name, page in connection.execute('SELECT name, pageno FROM dbstat')}
    connection.close()

transactions, current = [], []
for page, commit in frames:
    current.append(page)
    if commit:
        transactions.append(set(current))
        current = []

if not transactions:
    sys.exit('no committed transaction in this WAL generation; copy it again while writes run')
print(f'{len(frames)} frames, {len(transactions)} transactions, page size {page_size}')
print('pages per transaction:', sorted(len(t) for t in transactions))
per_tree = collections.Counter(owner.get(p, f'page {p} (not in the copy)') for t in transactions for p in t)
for name, pages in per_tree.most_common():
    print(f'{pages / len(transactions):7.2f}  {name}')
