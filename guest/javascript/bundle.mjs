// Bundles the JavaScript guest's warm-up — guest/javascript/warmup.js and what it imports: the
// web-platform globals (web-platform.js, web/) and the npm packages they use — into one ES module,
// the warmup.js the engine runs before its snapshot. The guest's own modules (qjs:std, qjs:os) stay
// imports. Identifiers keep their names (a class's name is what console.log and errors show); comments go.
// usage: node guest/javascript/bundle.mjs OUT.js         (guest/build.sh runs it)
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2];
if (!out) {
  console.error('usage: node guest/javascript/bundle.mjs OUT.js');
  process.exit(2);
}
const result = await build({
  entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'warmup.js')],
  outfile: out,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2023',
  external: ['qjs:*'],
  // The "neutral" platform reads no package.json main field by itself; whatwg-url and its dependencies are
  // CommonJS packages found by `main`.
  mainFields: ['module', 'main'],
  // whatwg-url's legacy multi-byte encoding tables (see web/no-legacy-encodings.js for why they can go).
  alias: { '@exodus/bytes/encoding.js': join(dirname(fileURLToPath(import.meta.url)), 'web', 'no-legacy-encodings.js') },
  // Not whitespace-minified: the guest's driver runs code as a module only when a line starts with
  // `import`/`export`, and the imports of qjs:std and qjs:os must stay at the start of lines.
  minifySyntax: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs)[0].bytes;
console.log(`guest: javascript: bundled warmup.js (${(bytes / 1024).toFixed(0)} kB)`);
