import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSafe } from '../../checkers/check-safe.ts';
import { statsChecker } from '../../checkers/stats.ts';
import { wellFormedChecker } from '../../checkers/well-formed.ts';
import { faultline, leftovers } from '../../test/support/faultline-process.ts';
import { readHistoryFile } from '../../harness/importers/read-history.ts';
import type { RunResult } from '../../harness/store/run-result.ts';

// `faultline run` end to end against real Docker containers and a real 5-node etcd cluster.

let store: string;
beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'faultline-int-run-'));
});
afterAll(async () => {
  await rm(store, { recursive: true, force: true });
});

async function checkPrefix(dir: string): Promise<number> {
  const history = await readHistoryFile(join(dir, 'history.jsonl'));
  for (const checker of [wellFormedChecker, statsChecker]) {
    const r = await checkSafe(checker, history);
    expect(r.valid, `${checker.name}: ${JSON.stringify(r.anomalies.slice(0, 3))}`).toBe(true);
  }
  return history.length;
}

describe('faultline run against etcd in Docker', () => {
  it('records >= 1,000 ok ops in 30 s, exits 0 with a well-formed history, and leaves nothing behind', async () => {
    const r = await faultline(['run', '--db', 'etcd', '--workload', 'register', '--nodes', '5', '--time-limit', '30', '--concurrency', '10', '--json', '--store', store]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.valid).toBe(true);
    expect(result.ops.ok).toBeGreaterThanOrEqual(1000);
    expect(result.interrupted).toBe(false);
    expect(await checkPrefix(result.dir)).toBe(2 * result.ops.invoked);
    expect(JSON.parse(await readFile(join(result.dir, 'results.json'), 'utf8'))).toEqual(result);
    const test = JSON.parse(await readFile(join(result.dir, 'test.json'), 'utf8'));
    expect(test.versions.etcd).toMatch(/^3\.4\./);
    for (const n of ['n1', 'n2', 'n3', 'n4', 'n5']) expect((await stat(join(result.dir, 'nodes', n, 'etcd.log'))).size).toBeGreaterThan(0);
    expect(r.stderr).toMatch(new RegExp(`^faultline run: etcd-register on 5 etcd nodes, seed ${result.seed}\\n`));
    expect(await leftovers(result.runId)).toEqual([]);
  });

  it('SIGINT mid-run: exits promptly, removes everything, and the history prefix checks', async () => {
    const r = await faultline(['run', '--time-limit', '120', '--json', '--store', store], { line: /running the workload/, delayMs: 5_000 });
    expect(r.afterSignalMs, 'SIGINT was sent').toBeDefined();
    expect(r.afterSignalMs!).toBeLessThan(20_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('SIGINT: stopping the workload');
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.interrupted).toBe(true);
    expect(result.valid).toBe('unknown');
    expect(result.ops.ok).toBeGreaterThan(100);
    expect(await checkPrefix(result.dir)).toBeGreaterThan(200);
    expect(await leftovers(result.runId)).toEqual([]);
  });
});
