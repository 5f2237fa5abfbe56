import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../harness/result.ts';
import { dockerClient } from '../docker/engine.ts';
import { pairOps } from '../harness/history/op.ts';
import { readHistoryFile } from '../harness/importers/read-history.ts';
import type { RunResult } from '../harness/store/run-result.ts';
import { runObjects } from '../test/support/run-objects.ts';
import { faultline } from '../test/support/faultline-process.ts';
import { laned, ORACLE_LINES, oracleRunArgs } from '../test/support/sql-oracle-lines.ts';

/**
 * The oracle lines (test/support/sql-oracle-lines.ts), each one `faultline run` of 30 s, two at a
 * time: invalid where the oracles say the level allows the anomaly, valid where it prevents it —
 * and then not vacuously (the run met contention), and the write skew turns valid when the same
 * history is re-checked under snapshot isolation.
 */

/** A valid transactional run must still have met contention: conflicts the database refused. */
const contended = (r: RunResult) => {
  expect(r.ops.ok).toBeGreaterThan(1_000);
  expect(r.ops.fail).toBeGreaterThan(0);
};

/** The same history, re-checked offline under snapshot isolation: the write skew is allowed there. */
async function validUnderSnapshotIsolation(r: RunResult): Promise<void> {
  for (const checker of ['rw-register', 'on-call']) {
    const c = await faultline(['check', join(r.dir, 'history.jsonl'), '--checker', checker, '--consistency-model', 'snapshot-isolation', '--json']);
    expect(c.code, c.stderr).toBe(0);
    const result = JSON.parse(c.stdout) as CheckResult;
    expect(result.valid).toBe(true);
    // Not vacuous: the skew is still there, reported as allowed.
    expect((result.details?.allowedAnomalies as unknown[]).length).toBeGreaterThan(0);
  }
}

/** Every fault class asked for took effect at least once (a pause of a killed server does not). */
async function faultsTookEffect(r: RunResult, fs: string[]): Promise<void> {
  const history = await readHistoryFile(join(r.dir, 'history.jsonl'));
  const done = pairOps(history).filter((p) => p.invoke.process === 'nemesis' && p.completion && !p.completion.error);
  for (const f of fs) expect(done.map((p) => p.invoke.f), `${f} never took effect`).toContain(f);
  expect(r.ops.fail).toBeGreaterThan(0);
}

/** Shard kills landed between PREPARE and COMMIT, and recovery committed what the log said. */
async function inDoubtRecovered(r: RunResult): Promise<void> {
  await faultsTookEffect(r, ['start-kill']);
  const details = r.checkers['2pc']?.details as { pendingCommits: number; recovered: { commit: number } };
  expect(details.pendingCommits).toBeGreaterThan(0);
  expect(details.recovered.commit).toBeGreaterThan(0);
  expect(r.checkers.bank?.valid).toBe(true);
  // The report shows the blocking cost: locks held in doubt until recovery.
  const report = await readFile(join(r.dir, 'report.html'), 'utf8');
  expect(report).toContain('<h2>Two-phase commit: how long locks were held</h2>');
  expect(report).toMatch(/<td>in doubt \(PREPARE → resolved by recovery\)<\/td><td class="num">[1-9]/);
}

const extra: Record<string, (r: RunResult) => void | Promise<void>> = {
  'PostgreSQL repeatable read: write-skew is invalid (G2-item, write-skew), and valid under snapshot isolation': validUnderSnapshotIsolation,
  'PostgreSQL serializable under kill and pause: list-append stays valid': (r) => faultsTookEffect(r, ['start-kill', 'start-pause']),
  '2pc-bank on three PostgreSQL shards under shard kills: total conserved, nothing half-applied or left in doubt': inDoubtRecovered,
};
const lines = ORACLE_LINES.map((l) => ({ ...l, also: extra[l.title] ?? (l.valid ? contended : undefined) }));

interface Outcome {
  code: number | null;
  stderr: string;
  result?: RunResult;
}

let store: string;
const runs = new Map<string, Promise<Outcome>>();

beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'faultline-sql-oracles-'));
  const lane = laned<Outcome>(2);
  for (const l of lines) {
    runs.set(l.title, lane(async () => {
      const r = await faultline(oracleRunArgs(l, store));
      return { code: r.code, stderr: r.stderr, ...(r.stdout.trim() ? { result: JSON.parse(r.stdout) as RunResult } : {}) };
    })); // prettier-ignore
  }
});

afterAll(async () => {
  await Promise.allSettled(runs.values());
  await rm(store, { recursive: true, force: true });
});

describe('SQL isolation levels against the oracles', () => {
  it.for(lines)('$title', async (line) => {
    const { code, stderr, result } = await runs.get(line.title)!;
    expect(result, stderr).toBeDefined();
    const r = result!;
    const why = `${r.dir}: ${JSON.stringify(Object.fromEntries(Object.entries(r.checkers).map(([k, c]) => [k, [c.valid, c.anomalyTypes, c.error]])))}`;
    expect(r.error, why).toBeUndefined();
    expect(r.valid, why).toBe(line.valid);
    expect(code).toBe(line.valid ? 0 : 1);
    for (const a of line.anomalies) expect(r.anomalyTypes, why).toContain(a);
    await line.also?.(r);
    expect(await runObjects(dockerClient(), r.runId)).toEqual({ containers: [], networks: [] });
  });
});
