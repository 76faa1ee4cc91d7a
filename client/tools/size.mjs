// Prints the size of hub-client.js, and of any other bundles given: raw, minified by esbuild, and that gzipped.
// Usage: node tools/size.mjs [OTHER_BUNDLE.js ...]   (npm run size -- path/to/socket.io.js)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const files = [fileURLToPath(new URL('../hub-client.js', import.meta.url)), ...process.argv.slice(2)];
console.log('bytes: raw, minified (esbuild), minified+gzip (level 9), file');
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const { code } = await transform(source, { minify: true, format: 'esm', target: 'es2020' });
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log([Buffer.byteLength(source), Buffer.byteLength(code), gzipped, file].join('\t'));
}
