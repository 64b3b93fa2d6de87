// Brotli at its highest quality for the LHC-Forms files the patient form loads, once at build time: about 20% fewer
// bytes than compressing each response (CompressionLevel.Optimal is Brotli quality 4), which a patient on a slow phone
// network waits for (docs/benchmarks.md). Writes FILE.br beside each FILE named on the command line; PrecompressedAssets
// serves it to browsers that accept br.
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

for (const file of process.argv.slice(2)) {
  const body = readFileSync(file);
  writeFileSync(file + '.br', brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  }));
}
