import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from './support/test-dir.ts';
import type { RunResult } from '../harness/store/run-result.ts';
import { faultline, leftovers } from './support/faultline-process.ts';

// The example a newcomer follows (examples/own-store): a store nobody built into faultline, its
// Dockerfile, its own client and its faultline test file, run as `faultline run --test` runs it,
// against Docker, about 20 s of workload each way.

const TEST_FILE = 'examples/own-store/faultline-test.ts';
const store = testDir('faultline-own-store-');

async function run(env: Record<string, string>, seed: number): Promise<{ code: number | null; stdout: string; result: RunResult; report: string }> {
  const r = await faultline(['run', '--test', TEST_FILE, '--store', store, '--seed', String(seed), '--json'], undefined, env);
  expect(r.code, r.stderr).not.toBe(254);
  const result = JSON.parse(r.stdout) as RunResult;
  const report = await readFile(join(result.dir, 'report.html'), 'utf8');
  // Whatever the verdict, the run removed what it made.
  expect(await leftovers(result.runId)).toEqual([]);
  return { code: r.code, stdout: r.stdout, result, report };
}

describe('the example store under partitions', () => {
  it('acknowledging before replicating loses acknowledged writes: INVALID, and the report shows it', async () => {
    const { code, result, report } = await run({}, 11);
    expect(code).toBe(1);
    expect(result.valid).toBe(false);
    expect(result.db).toBe('own-store');
    expect(result.faultWindows?.filter((w) => w.fault === 'partition').length).toBeGreaterThan(0);
    // Stale reads on followers (not linearizable) and nodes that never got the write (diverged).
    expect(result.checkers.linearizable?.valid).toBe(false);
    expect(result.checkers.converged?.valid).toBe(false);
    expect(result.anomalyTypes).toEqual(expect.arrayContaining(['nonlinearizable', 'diverged']));
    // The report's verdict says it in words, above the anomalies and their pictures.
    expect(report).toContain('Invalid: linearizable found nonlinearizable and converged found diverged.');
    expect(report).toContain('<h2>Anomalies</h2>');
    expect(result.replay).toMatch(/^npx faultline run --test examples\/own-store\/faultline-test\.ts /);
  });

  it('replicating synchronously (OWN_STORE_SYNC=1) comes out valid, having checked real work', async () => {
    const { code, result } = await run({ OWN_STORE_SYNC: '1' }, 11);
    expect(result.checkers.linearizable?.valid, JSON.stringify(result.checkers.linearizable?.anomalies?.slice(0, 2))).toBe(true);
    expect(result.checkers.converged?.valid).toBe(true);
    expect(code).toBe(0);
    expect(result.valid).toBe(true);
    expect(result.test).toBe('own-store-sync');
    expect(result.faultWindows?.filter((w) => w.fault === 'partition').length).toBeGreaterThan(0);
    expect(result.ops.ok).toBeGreaterThan(150);
  });
});
