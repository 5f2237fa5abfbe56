import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../checkers/result.ts';
import { dockerClient } from '../docker/engine.ts';
import type { RunResult } from '../harness/run/run-test.ts';
import { faultlineCli } from '../test/support/faultline-cli.ts';
import { runObjects } from '../test/run-objects.ts';

/**
 * What faultline must find on the real databases, and where it must find nothing
 * (shared/oracles/README.md: Hermitage and the Jepsen analyses), each line one `faultline run`
 * of 30 s. Two runs go at a time (one per database) to keep the suite's wall time down.
 */
interface Line {
  title: string;
  db: 'postgres' | 'mariadb';
  isolation: 'read-committed' | 'repeatable-read' | 'serializable';
  workload: 'list-append' | 'write-skew' | 'lost-update';
  valid: boolean;
  /** Anomaly types the result must name (when invalid). */
  anomalies?: string[];
  /** Extra assertions on the result (that a valid run was not vacuous, say). */
  also?: (r: RunResult) => void | Promise<void>;
}

const TIME_LIMIT = '30';

/** A valid transactional run must still have met contention: conflicts the database refused. */
const contended = (r: RunResult) => {
  expect(r.ops.ok).toBeGreaterThan(1_000);
  expect(r.ops.fail).toBeGreaterThan(0);
};

/** The same history, re-checked offline under snapshot isolation: the write skew is allowed there. */
async function validUnderSnapshotIsolation(r: RunResult): Promise<void> {
  for (const checker of ['rw-register', 'on-call']) {
    const c = await faultlineCli(['check', join(r.dir, 'history.jsonl'), '--checker', checker, '--consistency-model', 'snapshot-isolation', '--json']);
    expect(c.code, c.stderr).toBe(0);
    const result = JSON.parse(c.stdout) as CheckResult;
    expect(result.valid).toBe(true);
    // Not vacuous: the skew is still there, reported as allowed.
    expect((result.details?.allowedAnomalies as unknown[]).length).toBeGreaterThan(0);
  }
}

const lines: Line[] = [
  { title: 'PostgreSQL serializable: list-append is valid', db: 'postgres', isolation: 'serializable', workload: 'list-append', valid: true, also: contended },
  { title: 'MariaDB serializable: list-append is valid', db: 'mariadb', isolation: 'serializable', workload: 'list-append', valid: true, also: contended },
  { title: 'PostgreSQL serializable: write-skew is valid', db: 'postgres', isolation: 'serializable', workload: 'write-skew', valid: true, also: contended },
  { title: 'MariaDB serializable: write-skew is valid', db: 'mariadb', isolation: 'serializable', workload: 'write-skew', valid: true, also: contended },
  { title: 'PostgreSQL serializable: lost-update is valid', db: 'postgres', isolation: 'serializable', workload: 'lost-update', valid: true, also: contended },
  { title: 'MariaDB serializable: lost-update is valid', db: 'mariadb', isolation: 'serializable', workload: 'lost-update', valid: true, also: contended },
  {
    title: 'PostgreSQL repeatable read: write-skew is invalid (G2-item, write-skew), and valid under snapshot isolation',
    db: 'postgres', isolation: 'repeatable-read', workload: 'write-skew', valid: false, anomalies: ['G2-item', 'write-skew', 'on-call-invariant'],
    also: validUnderSnapshotIsolation,
  }, // prettier-ignore
  { title: 'MariaDB repeatable read: lost-update is invalid (lost-update)', db: 'mariadb', isolation: 'repeatable-read', workload: 'lost-update', valid: false, anomalies: ['lost-update'] },
  { title: 'PostgreSQL read committed: lost-update is invalid (lost-update)', db: 'postgres', isolation: 'read-committed', workload: 'lost-update', valid: false, anomalies: ['lost-update'] },
  { title: 'MariaDB repeatable read: write-skew is invalid (G2-item)', db: 'mariadb', isolation: 'repeatable-read', workload: 'write-skew', valid: false, anomalies: ['G2-item', 'on-call-invariant'] },
];

let store: string;
const runs = new Map<string, Promise<{ code: number | null; stderr: string; result?: RunResult }>>();

/** Starts `run` when one of `lanes` is free. */
function laned<T>(lanes: number): (run: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (active >= lanes) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await run();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'faultline-sql-oracles-'));
  const lane = laned<{ code: number | null; stderr: string; result?: RunResult }>(2);
  for (const l of lines) {
    const args = ['run', '--db', l.db, '--workload', l.workload, '--isolation', l.isolation, '--nodes', '1', '--concurrency', '10', '--rate', '100', '--time-limit', TIME_LIMIT, '--json', '--store', store];
    runs.set(l.title, lane(async () => {
      const r = await faultlineCli(args);
      return { code: r.code, stderr: r.stderr, ...(r.stdout.trim() ? { result: JSON.parse(r.stdout) as RunResult } : {}) };
    })); // prettier-ignore
  }
});

afterAll(async () => {
  await Promise.allSettled(runs.values());
  await rm(store, { recursive: true, force: true });
});

describe('SQL isolation levels against the oracles', () => {
  it.each(lines)('$title', async (line) => {
    const { code, stderr, result } = await runs.get(line.title)!;
    expect(result, stderr).toBeDefined();
    const r = result!;
    const why = `${r.dir}: ${JSON.stringify(Object.fromEntries(Object.entries(r.checkers).map(([k, c]) => [k, [c.valid, c.anomalyTypes, c.error]])))}`;
    expect(r.error, why).toBeUndefined();
    expect(r.valid, why).toBe(line.valid);
    expect(code).toBe(line.valid ? 0 : 1);
    for (const a of line.anomalies ?? []) expect(r.anomalyTypes, why).toContain(a);
    await line.also?.(r);
    expect(await runObjects(dockerClient(), r.runId)).toEqual({ containers: [], networks: [] });
  });
});
