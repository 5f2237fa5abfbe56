import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistoryFile } from '../harness/importers/read-history.ts';
import type { RunResult } from '../harness/store/run-result.ts';
import { faultWindows } from '../harness/faults/windows.ts';
import { faultline, leftovers } from '../test/support/faultline-process.ts';
import { hostRulesMentioning } from '../test/support/net-probe.ts';

// `faultline run` with faults, end to end on 5-node etcd: short runs here; the 120 s × 10 seeds
// measurement is `npm run bench:nemesis`.

let store: string;
beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'faultline-int-nemesis-'));
});
afterAll(async () => {
  await rm(store, { recursive: true, force: true });
});

const common = () => ['run', '--db', 'etcd', '--workload', 'register', '--nodes', '5', '--nemesis-interval', '5', '--recovery', '5', '--json', '--store', store];

describe('faultline run with a nemesis', () => {
  it('partition, kill and pause on quorum reads: valid, every node converged, availability per fault in results.json, nothing left', async () => {
    const r = await faultline([...common(), '--nemesis', 'partition,kill,pause', '--time-limit', '35', '--seed', '3']);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(r.code, `${r.stderr}\n${JSON.stringify(result.checkers, null, 1).slice(0, 2000)}`).toBe(0);
    expect(result.valid).toBe(true);
    expect(result.checkers.converged!.valid).toBe(true);
    expect(result.checkers.converged!.details).toMatchObject({ nodes: ['n1', 'n2', 'n3', 'n4', 'n5'] });
    const faults = new Set(result.availability!.map((a) => a.fault));
    expect(faults).toEqual(new Set(['partition', 'kill', 'pause']));
    for (const a of result.availability!) {
      expect(a.end).toBeGreaterThan(a.start);
      expect(a.ok + a.fail + a.info).toBeGreaterThan(0);
      expect(a.longestGapMs).toBeGreaterThan(0);
    }
    // The history says what each fault did: nodes for kill and pause, the grudge for partitions.
    const history = await readHistoryFile(join(result.dir, 'history.jsonl'));
    const windows = faultWindows(history);
    for (const w of windows.filter((x) => x.fault !== 'partition')) expect(w.value).toMatchObject({ nodes: expect.any(Array), selector: expect.any(String) });
    for (const w of windows.filter((x) => x.fault === 'partition')) expect(w.value).toMatchObject({ topology: expect.any(String), grudge: expect.any(Object) });
    expect(windows.every((w) => !w.unhealed)).toBe(true);
    // No client op waited on a paused or cut-off node beyond its deadline (5 s) and some slack.
    const invoked = new Map<unknown, number>();
    let slowest = 0;
    for (const o of history.filter((x) => x.process !== 'nemesis')) {
      if (o.type === 'invoke') invoked.set(o.process, o.time);
      else slowest = Math.max(slowest, o.time - invoked.get(o.process)!);
    }
    expect(slowest / 1e6).toBeLessThan(8_000);
    expect(JSON.parse(await readFile(join(result.dir, 'results.json'), 'utf8')).availability).toEqual(result.availability);
    expect(r.stderr).toMatch(/availability per fault window:\n {4}(partition|kill|pause) /);
    expect(await leftovers(result.runId)).toEqual([]);
  });

  it('serializable (member-local) reads under partitions: stale reads found and named', async () => {
    const r = await faultline([...common(), '--nemesis', 'partition:one+majority', '--read-consistency', 'serializable', '--time-limit', '35', '--seed', '4']);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(r.code, r.stderr).toBe(1);
    expect(result.valid).toBe(false);
    expect(result.checkers.linearizable!.anomalyTypes).toEqual(['nonlinearizable']);
    expect(result.replay).toContain('--option readConsistency=serializable');
    expect(result.replay).toContain('--nemesis partition:one+majority');
    expect(await leftovers(result.runId)).toEqual([]);
  });

  it('SIGINT during a partition: heals, removes every container, leaves no rule anywhere', async () => {
    const r = await faultline([...common(), '--nemesis', 'partition,pause', '--nemesis-interval', '2', '--time-limit', '120'], { line: /partition \(/, delayMs: 500 });
    expect(r.afterSignalMs, 'SIGINT was sent during a partition').toBeDefined();
    expect(r.afterSignalMs!).toBeLessThan(30_000);
    expect(r.code, r.stderr).toBe(2);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.interrupted).toBe(true);
    const history = await readHistoryFile(join(result.dir, 'history.jsonl'));
    expect(history.some((o) => o.f === 'start-partition')).toBe(true);
    expect(await leftovers(result.runId)).toEqual([]);
    expect(await hostRulesMentioning('faultline-')).toEqual([]);
  });
});
