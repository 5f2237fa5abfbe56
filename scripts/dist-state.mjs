// Whether dist/ (the compiled CLI and library) matches the sources of this checkout. Plain JS:
// bin/faultline.js asks before choosing dist/ or the sources, and scripts/ensure-deps.mjs before
// `npm start` and `npm test` rebuild it.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written by scripts/build.ts: when the build started and every project file it read. */
export const STAMP = join('dist', 'build.json');

/**
 * `fresh` when every file the last build read is unchanged since it started (mtimes; a file now
 * missing counts as changed), `stale` otherwise, `missing` with no build at all.
 */
export function distState(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return 'missing';
  }
  for (const file of stamp.inputs) {
    let mtime;
    try {
      mtime = statSync(join(root, file)).mtimeMs;
    } catch {
      return 'stale';
    }
    if (mtime > stamp.startedAt) return 'stale';
  }
  return 'fresh';
}
