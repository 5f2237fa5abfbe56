#!/usr/bin/env node
// Installs node_modules when they are missing or older than package-lock.json, and builds dist/
// when it is missing or older than its sources (esbuild, well under a second), so `npm start` and
// `npm test` work on a fresh clone and run the compiled CLI a user gets. Plain JS: it runs before
// any dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distState } from './dist-state.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  process.stderr.write('faultline: installing npm dependencies (npm ci)…\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`faultline: npm ci failed (exit ${r.status}); is the npm registry reachable?\n`);
    process.exit(254);
  }
}
if (distState(root) !== 'fresh') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build.ts')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`faultline: building dist/ failed (exit ${r.status})\n`);
    process.exit(255);
  }
}
