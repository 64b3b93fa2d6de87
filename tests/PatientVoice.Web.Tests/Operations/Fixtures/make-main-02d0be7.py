# Runs the PatientVoice built from main 02d0be7 once, writes representative resources through its FHIR API, and
# records what it answers (every version of every resource, and a set of searches) beside its database file.
# How it was run (2026-12-05): `git worktree add --detach /tmp/pv-old-02d0be7 02d0be7`, `dotnet build
# src/PatientVoice.Web -c Release` there, `python3 make-main-02d0be7.py` (needs python3-cryptography), then
# out/patientvoice.db -> main-02d0be7.db and out/expected.json -> main-02d0be7.expected.json (the one search on
# Goal?description:contains, a parameter R4 does not define, was dropped from the expectations), and the worktree removed.
import base64, json, os, socket, subprocess, sys, time, urllib.request, urllib.error, signal
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

OLD = '/tmp/pv-old-02d0be7'
OUT = '/tmp/pv-fixture/out'
os.makedirs(OUT, exist_ok=True)
DB = os.path.join(OUT, 'patientvoice.db')
for f in [DB, DB + '-wal', DB + '-shm']:
    if os.path.exists(f): os.remove(f)

def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
key = ec.generate_private_key(ec.SECP256R1())
nums = key.public_key().public_numbers()
jwks = json.dumps({"keys": [{"kty": "EC", "crv": "P-256", "kid": "fixture", "use": "sig", "alg": "ES256",
                             "x": b64(nums.x.to_bytes(32, 'big')), "y": b64(nums.y.to_bytes(32, 'big'))}]})
ISS = 'https://issuer.fixture.invalid/'; AUD = 'urn:patientvoice:fixture'
def token():
    now = int(time.time())
    h = b64(json.dumps({"alg": "ES256", "typ": "at+jwt", "kid": "fixture"}).encode())
    p = b64(json.dumps({"iss": ISS, "sub": "fixture", "aud": AUD, "client_id": "fixture", "scope": "system/*.cruds",
                        "iat": now, "nbf": now - 5, "exp": now + 3600, "jti": str(now)}).encode())
    r, s = decode_dss_signature(key.sign(f"{h}.{p}".encode(), ec.ECDSA(hashes.SHA256())))
    return f"{h}.{p}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
TOKEN = token()

s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()
BASE = f'http://127.0.0.1:{port}/fhir/'
env = dict(os.environ, Storage__Sqlite__Path=DB, ASPNETCORE_ENVIRONMENT='Production', Deployment__AllowSandboxSettings='true',
           Security__Issuers__9__Issuer=ISS, Security__Issuers__9__Jwks=jwks, Security__Issuers__9__Audience=AUD)
dll = f'{OLD}/src/PatientVoice.Web/bin/Release/net10.0/PatientVoice.Web.dll'
log = open(os.path.join('/tmp/pv-fixture', 'server.log'), 'w')
proc = subprocess.Popen(['nice', '-n', '10', 'dotnet', dll, '--urls', f'http://127.0.0.1:{port}', '--Logging:LogLevel:Default=Warning'],
                        env=env, cwd=os.path.dirname(dll), stdout=log, stderr=subprocess.STDOUT)

def call(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path if not path.startswith('http') else path, data=data, method=method)
    req.add_header('Authorization', 'Bearer ' + TOKEN); req.add_header('Accept', 'application/fhir+json')
    if data is not None: req.add_header('Content-Type', 'application/fhir+json')
    for k, v in (headers or {}).items(): req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=300) as r: return r.status, json.loads(r.read() or b'null')
    except urllib.error.HTTPError as e: return e.code, json.loads(e.read() or b'null')

try:
    for _ in range(600):
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{port}/health/ready', timeout=5) as r:
                if r.status == 200: break
        except Exception: pass
        time.sleep(0.5)
    else: sys.exit('not ready')

    CR = f'{OLD}/tests/PatientVoice.Fhir.Tests/CompletedResponses'
    def submit(name, patient):
        qr = json.load(open(f'{CR}/{name}.json')); qr.pop('id', None)
        for k in ['subject', 'author', 'source']:
            if k in qr: qr[k] = {"reference": f"Patient/{patient}"}
        st, body = call('POST', 'QuestionnaireResponse', qr); assert st == 201, (name, st, body); return body
    for name in ['my-goals', 'what-i-know-about-my-condition', 'my-care-preferences', 'before-your-visit']:
        submit(name, 'fixture-p1')
    submit('my-goals', 'fixture-p2')
    # A draft, then amended to completed (two versions).
    qr = json.load(open(f'{CR}/my-care-preferences.json')); qr.pop('id', None); qr['status'] = 'in-progress'
    for k in ['subject', 'author', 'source']:
        if k in qr: qr[k] = {"reference": "Patient/fixture-p2"}
    st, draft = call('POST', 'QuestionnaireResponse', qr); assert st == 201, (st, draft)
    goal = {"resourceType": "Goal", "lifecycleStatus": "proposed",
            "category": [{"coding": [{"system": "http://loinc.org", "code": "87528-6", "display": "Personal health goal"}]}],
            "description": {"text": "Garden again in spring"}, "subject": {"reference": "Patient/fixture-p2"},
            "startDate": "2026-03-01", "expressedBy": {"reference": "Patient/fixture-p2"}}
    st, g = call('POST', 'Goal', goal); assert st == 201, (st, g)
    g['lifecycleStatus'] = 'active'; g.pop('meta', None)
    st, g2 = call('PUT', f"Goal/{g['id']}", g); assert st == 200, (st, g2)
    goal['description'] = {"text": "A goal that was withdrawn"}
    st, g3 = call('POST', 'Goal', goal); assert st == 201, (st, g3)
    st, _ = call('DELETE', f"Goal/{g3['id']}"); assert st in (200, 204), st
    # A client-chosen id (PUT create) and a conditional create.
    goal['description'] = {"text": "Sleep through the night"}; goal['id'] = 'fixture-chosen-id'
    goal['identifier'] = [{"system": "urn:fixture", "value": "g-1"}]
    st, _ = call('PUT', 'Goal/fixture-chosen-id', goal); assert st == 201, st
    goal.pop('id'); goal['identifier'] = [{"system": "urn:fixture", "value": "g-2"}]; goal['description'] = {"text": "Climb the stairs"}
    st, _ = call('POST', 'Goal', goal, {'If-None-Exist': 'identifier=urn:fixture|g-2'}); assert st == 201, st
    time.sleep(2)  # audit events are stored in the background

    resources = []
    types = ['Questionnaire', 'QuestionnaireResponse', 'Goal', 'Observation', 'DocumentReference', 'Provenance', 'List']
    for t in types:
        st, b = call('GET', f'{t}/_history?_count=1000'); assert st == 200, (t, st, b)
        assert 'next' not in [l['relation'] for l in b.get('link', [])], t
        for e in b.get('entry', []):
            if 'resource' in e:
                r = e['resource']; resources.append({"type": t, "id": r['id'], "version": r['meta']['versionId'], "resource": r})
            else:
                parts = e['request']['url'].split('/')
                resources.append({"type": t, "id": parts[1], "version": e.get('response', {}).get('etag', '').strip('W/"') or None, "deleted": True})
    queries = ['Goal?patient=Patient/fixture-p1', 'Goal?patient=Patient/fixture-p2', 'Goal?lifecycle-status=active',
               'Goal?lifecycle-status=proposed', 'Goal?identifier=urn:fixture|g-1', 'Goal?category=http://loinc.org|87528-6',
               'Observation?patient=Patient/fixture-p1', 'Observation?subject=Patient/fixture-p2',
               'QuestionnaireResponse?patient=Patient/fixture-p1', 'QuestionnaireResponse?status=completed',
               'QuestionnaireResponse?status=in-progress', 'QuestionnaireResponse?questionnaire=http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.1.0',
               'QuestionnaireResponse?authored=ge2026-01-01', 'DocumentReference?patient=Patient/fixture-p1', 'DocumentReference?type=http://loinc.org|51855-5',
               'Provenance?patient=Patient/fixture-p1', 'List?patient=Patient/fixture-p1',
               'Questionnaire?url=http://patientvoice.example.org/fhir/Questionnaire/my-goals', 'Goal?description:contains=garden']
    searches = []
    for q in queries:
        st, b = call('GET', q + ('&' if '?' in q else '?') + '_count=1000'); assert st == 200, (q, st, b)
        ids = sorted(e['resource']['resourceType'] + '/' + e['resource']['id'] for e in b.get('entry', []) if e.get('search', {}).get('mode', 'match') == 'match')
        searches.append({"query": q, "matches": ids})
    json.dump({"writtenBy": "main 02d0be7", "resources": resources, "searches": searches}, open(os.path.join(OUT, 'expected.json'), 'w'), indent=1)
    print(len(resources), 'versions;', [(s['query'], len(s['matches'])) for s in searches])
finally:
    proc.send_signal(signal.SIGTERM); proc.wait(60)
