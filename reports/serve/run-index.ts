import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Validity } from '../../harness/result.ts';
import { peekRunFile, RUN_FILES } from '../../harness/store/run-folder.ts';

/** One row of the store index. */
export interface RunSummary {
  test: string;
  /** Folder name, `yyyymmddThhmmss.mmm`. */
  timestamp: string;
  /** Path from the store root, `/`-separated. */
  path: string;
  valid: Validity | undefined;
  anomalyTypes: string[];
  seed: number | undefined;
  durationS: number | undefined;
  hasReport: boolean;
}

const cache = new Map<string, { key: string; summary: RunSummary }>();

/** The time of the history's last op, from its tail: a run's length without reading it all. */
export async function historyDurationS(file: string): Promise<number | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    for (let i = lines.length - 1; i >= Math.max(0, lines.length - 3); i--) {
      try {
        const time = (JSON.parse(lines[i]!) as { time?: unknown }).time;
        if (typeof time === 'number') return time / 1e9;
      } catch {
        // a truncated last line: try the one before
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

async function summarize(store: string, test: string, timestamp: string): Promise<RunSummary | undefined> {
  const dir = join(store, test, timestamp);
  const stamps = await Promise.all([RUN_FILES.test, RUN_FILES.results, RUN_FILES.history, RUN_FILES.report].map((f) => stat(join(dir, f)).then((s) => s.mtimeMs, () => -1)));
  if (stamps[0] === -1) return undefined;
  const key = stamps.join(':');
  const hit = cache.get(dir);
  if (hit?.key === key) return hit.summary;
  const spec = await peekRunFile(dir, 'test');
  const results = await peekRunFile(dir, 'results');
  const valid = results?.valid;
  const summary: RunSummary = {
    test: typeof spec?.name === 'string' ? spec.name : test,
    timestamp,
    path: `${test}/${timestamp}`,
    valid: valid === true || valid === false || valid === 'unknown' ? valid : undefined,
    anomalyTypes: Array.isArray(results?.anomalyTypes) ? results.anomalyTypes.filter((t): t is string => typeof t === 'string') : [],
    seed: typeof spec?.seed === 'number' ? spec.seed : undefined,
    durationS: await historyDurationS(join(dir, RUN_FILES.history)),
    hasReport: stamps[3] !== -1,
  };
  cache.set(dir, { key, summary });
  return summary;
}

async function dirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Every run in the store (`<test>/<timestamp>/` with a test.json), newest first. */
export async function listRuns(store: string): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (const test of await dirs(store)) {
    for (const timestamp of await dirs(join(store, test))) {
      const s = await summarize(store, test, timestamp);
      if (s) runs.push(s);
    }
  }
  return runs.sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : a.test.localeCompare(b.test)));
}
