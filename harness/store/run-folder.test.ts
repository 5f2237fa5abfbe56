import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeRun, validRun } from '../../test/support/report-runs.ts';
import { InputError } from '../errors.ts';
import { readRun, resultsProblems, testSpecProblems, writeJsonAtomically, writeResults, writeTestSpec } from './run-folder.ts';
import type { RunResult } from './run-result.ts';

const repo = join(import.meta.dirname, '..', '..');
let store: string;
beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'faultline-run-folder-'));
});
afterAll(() => rm(store, { recursive: true, force: true }));

describe('readRun', () => {
  it('reads test.json, the history and results.json', async () => {
    const run = validRun();
    const dir = await storeRun(store, run, '20260101T000000.000');
    const loaded = await readRun(dir);
    expect(loaded.test).toEqual(run.test);
    expect(loaded.history).toEqual(run.history);
    expect(loaded.results?.valid).toBe(true);
    expect(loaded.dir).toBe(dir);
  });

  it('reads a run without results.json as not checked rather than failing', async () => {
    const dir = await storeRun(store, validRun(), '20260101T000001.000');
    await unlink(join(dir, 'results.json'));
    expect((await readRun(dir)).results).toBeUndefined();
  });

  it('names the file and the problem for bad input', async () => {
    const dir = await storeRun(store, validRun(), '20260101T000002.000');
    await expect(readRun(join(store, 'nope'))).rejects.toThrow(/nope: no such run folder/);
    await expect(readRun(join(dir, 'test.json'))).rejects.toThrow(/expected a run folder/);
    await writeFile(join(dir, 'results.json'), '{"valid": "maybe", "anomalyTypes": [], "checkers": {"x": {"valid": true, "anomalies": [{}], "anomalyTypes": []}}}');
    const err = await readRun(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${join(dir, 'results.json')}: 2 problems: "valid" must be true, false or "unknown"; checkers.x.anomalies must be a list of {type, text, …}`);
    await writeFile(join(dir, 'test.json'), '{oops');
    await expect(readRun(dir)).rejects.toThrow(/test.json: expected test.json to be JSON/);
    await unlink(join(dir, 'test.json'));
    await expect(readRun(dir)).rejects.toThrow(/no test.json here: not a faultline run folder/);
  });

  it('round-trips what the run writes: test.json and results.json with the fault windows the run computed', async () => {
    const dir = join(store, 'written');
    await mkdir(dir);
    const run = validRun();
    await writeFile(join(dir, 'history.jsonl'), '');
    await writeTestSpec(dir, run.test);
    const windows = [{ fault: 'partition', start: 1, end: 2, unhealed: false, startOp: 0, value: null }];
    await writeResults(dir, { ...run.results, faultWindows: windows } as RunResult);
    const back = await readRun(dir);
    expect(back.test).toEqual(run.test);
    expect(back.results?.faultWindows).toEqual(windows);
    await writeFile(join(dir, 'results.json'), JSON.stringify({ ...run.results, faultWindows: [{ fault: 1 }] }));
    await expect(readRun(dir)).rejects.toThrow('"faultWindows" must be a list of {fault, start, end, …}');
  });
});

describe('writing results.json', () => {
  it('leaves the old file whole and no temporary file behind when the write cannot finish', async () => {
    const dir = join(store, 'blocked');
    await mkdir(join(dir, 'target'), { recursive: true });
    // The target is a folder: the rename fails after the temporary file was written.
    await expect(writeJsonAtomically(join(dir, 'target'), { a: 1 })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['target']);
  });

  it('never shows a reader a truncated results.json, even when the writer is killed mid-write', async () => {
    const dir = join(store, 'killed');
    await mkdir(dir);
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'test/support/results-writer.ts'), dir], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
      await once(child.stdout!, 'data');
      // Read while it writes, then kill it at a different point of a write each round.
      for (let i = 0; i < 5; i++) JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
      await new Promise((resolve) => setTimeout(resolve, 7 * round));
      child.kill('SIGKILL');
      await once(child, 'exit');
      const parsed = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { generation: number; checkers: { elle: { anomalies: unknown[] } } };
      expect(parsed.checkers.elle.anomalies.length).toBe(2_000 + (parsed.generation % 7) * 1_000);
    }
  }, 60_000);
});

describe('problems', () => {
  it('lists every problem of a test.json at once', () => {
    expect(testSpecProblems({ name: 'x', db: 1, workload: 'w', nodes: 3, concurrency: 'ten', rate: 1, timeLimit: 1, nemesisInterval: 1, recovery: 1, seed: 1, nemesis: 'partition', options: {} })).toEqual([
      '"db" must be a string',
      '"concurrency" must be a number',
      '"nemesis" must be a list of fault names',
    ]);
    expect(testSpecProblems([])).toEqual(['expected a JSON object']);
  });

  it('accepts a composed result and rejects a bare checker result', () => {
    expect(resultsProblems({ valid: false, anomalyTypes: ['G0'], checkers: { elle: { valid: false, anomalyTypes: ['G0'], anomalies: [{ type: 'G0', text: 't' }] } } })).toEqual([]);
    expect(resultsProblems({ checker: 'elle', valid: true, anomalies: [] })).toEqual(['"anomalyTypes" must be a list', '"checkers" must be an object of checker results']);
  });
});
