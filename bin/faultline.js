#!/usr/bin/env node
// Entry point for `faultline`: the compiled CLI in dist/ — the npm package's, or a checkout's once
// built (`npm start` and `npm test` build it) — else, in a checkout whose dist/ is missing or older
// than its sources, the TypeScript sources through tsx. FAULTLINE_FROM_SOURCE=1 forces the sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
let entry = new URL('dist/cli.js', root);
const sources = new URL('cli/entry.ts', root);
if (existsSync(sources)) {
  const { distState } = await import('../scripts/dist-state.mjs');
  if (process.env.FAULTLINE_FROM_SOURCE || distState(fileURLToPath(root)) !== 'fresh') {
    const { register } = await import('tsx/esm/api');
    register();
    entry = sources;
  }
}
const { start } = await import(entry.href);
await start(process.argv.slice(2));
