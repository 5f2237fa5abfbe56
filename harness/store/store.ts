import { mkdir, rename, symlink, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { InputError } from '../errors.ts';

/** One run's folder: `store/<test>/<yyyymmddThhmmss.mmm>/` (DESIGN.md §3). */
export interface RunDir {
  readonly root: string;
  readonly path: string;
  /** A file directly in the run folder. */
  file(name: 'test.json' | 'history.jsonl' | 'results.json' | 'faultline.log' | 'report.html' | (string & {})): string;
  /** `nodes/<node>/`, created on first use. */
  nodeDir(node: string): Promise<string>;
}

/** UTC, to the millisecond: `20260101T120000.123`. Sorts by time as text. */
export function runTimestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkTestName(name: string): void {
  if (!NAME.test(name) || name === 'latest') {
    throw new InputError(`test name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-' (and not "latest"): it names a folder in the store`);
  }
}

/**
 * Creates the run's folder (a suffix `-1`, `-2`… if two runs start in the same millisecond) and
 * points `<root>/latest` at it at once, so even a run that dies mid-way is easy to find.
 */
export async function createRunDir(root: string, testName: string, started: Date): Promise<RunDir> {
  checkTestName(testName);
  const parent = join(root, testName);
  await mkdir(parent, { recursive: true });
  const stamp = runTimestamp(started);
  let path = join(parent, stamp);
  for (let i = 1; ; i++) {
    try {
      await mkdir(path);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i > 1000) throw err;
      path = join(parent, `${stamp}-${i}`);
    }
  }
  await pointLatest(root, path);
  return {
    root,
    path,
    file: (name) => join(path, name),
    nodeDir: async (node) => {
      const dir = join(path, 'nodes', node);
      await mkdir(dir, { recursive: true });
      return dir;
    },
  };
}

/** Replaces `<root>/latest` atomically with a relative symlink to `target`. */
export async function pointLatest(root: string, target: string): Promise<void> {
  const link = join(root, 'latest');
  const tmp = join(root, `.latest-${process.pid}-${Date.now()}`);
  await symlink(relative(root, target), tmp);
  try {
    await rename(tmp, link);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
