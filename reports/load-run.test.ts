import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../harness/errors.ts';
import { storeRun, validRun } from '../test/support/report-runs.ts';
import { loadRun, resultsProblems, testSpecProblems } from './load-run.ts';

describe('loadRun', () => {
  let store: string;
  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'faultline-load-run-'));
  });
  afterAll(() => rm(store, { recursive: true, force: true }));

  it('reads test.json, the history and results.json', async () => {
    const run = validRun();
    const dir = await storeRun(store, run, '20260101T000000.000');
    const loaded = await loadRun(dir);
    expect(loaded.test).toEqual(run.test);
    expect(loaded.history).toEqual(run.history);
    expect(loaded.results?.valid).toBe(true);
    expect(loaded.runDir).toBe(dir);
  });

  it('reports a run without results.json as not checked rather than failing', async () => {
    const dir = await storeRun(store, validRun(), '20260101T000001.000');
    await unlink(join(dir, 'results.json'));
    expect((await loadRun(dir)).results).toBeUndefined();
  });

  it('names the file and the problem for bad input', async () => {
    const dir = await storeRun(store, validRun(), '20260101T000002.000');
    await expect(loadRun(join(store, 'nope'))).rejects.toThrow(/nope: no such run folder/);
    await expect(loadRun(join(dir, 'test.json'))).rejects.toThrow(/expected a run folder/);
    await writeFile(join(dir, 'results.json'), '{"valid": "maybe", "anomalyTypes": [], "checkers": {"x": {"valid": true, "anomalies": [{}], "anomalyTypes": []}}}');
    const err = await loadRun(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${join(dir, 'results.json')}: 2 problems: "valid" must be true, false or "unknown"; checkers.x.anomalies must be a list of {type, text, …}`);
    await writeFile(join(dir, 'test.json'), '{oops');
    await expect(loadRun(dir)).rejects.toThrow(/test.json: expected test.json to be JSON/);
    await unlink(join(dir, 'test.json'));
    await expect(loadRun(dir)).rejects.toThrow(/no test.json here: not a faultline run folder/);
  });
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
