import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { rwRegisterChecker } from './rw-register-checker.ts';

function check(history: Op[], options: Record<string, unknown> = {}): CheckResult {
  return rwRegisterChecker.check(history, { consistencyModel: 'serializable', ...options }) as CheckResult;
}

function allTypes(r: CheckResult): string[] {
  return [...r.anomalyTypes, ...((r.details?.allowedAnomalyTypes as string[] | undefined) ?? [])].sort();
}

describe('rw-register', () => {
  it('finds nothing in a serial history', () => {
    const h = new HistoryBuilder()
      .txn(0, [['r', 'x', null], ['w', 'x', 1]])
      .txn(1, [['r', 'x', 1], ['w', 'x', 2], ['w', 'y', 1]])
      .txn(0, [['r', 'x', 2], ['r', 'y', 1]])
      .build();
    const r = check(h, { consistencyModel: 'strict-serializable' });
    expect(r.valid).toBe(true);
    expect(allTypes(r)).toEqual([]);
    expect(r.details?.versionOrderSources).toEqual(['initial-state', 'writes-follow-reads']);
  });

  it('G1c: each read the other\'s write', () => {
    const h = new HistoryBuilder()
      .txn(0, [['w', 'x', 1], ['r', 'y', 1]])
      .txn(1, [['w', 'y', 1], ['r', 'x', 1]])
      .build();
    expect(allTypes(check(h))).toEqual(['G1c']);
  });

  it('G2-item and write-skew: each read the initial state of what the other wrote', () => {
    const h = new HistoryBuilder()
      .invoke(0, 'txn', [['r', 'x', null], ['w', 'y', 1]])
      .invoke(1, 'txn', [['r', 'y', null], ['w', 'x', 1]])
      .ok(0)
      .ok(1)
      .build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['G2-item', 'write-skew']);
    expect(check(h, { consistencyModel: 'snapshot-isolation' }).valid).toBe(true);
  });

  it('G0 needs a version order; sequential-keys gives one from a process\'s reads', () => {
    const h = new HistoryBuilder()
      .txn(0, [['w', 'x', 1], ['w', 'y', 2]])
      .txn(1, [['w', 'x', 2], ['w', 'y', 1]])
      .txn(2, [['r', 'x', 1], ['r', 'y', 1]])
      .txn(2, [['r', 'x', 2], ['r', 'y', 2]])
      .build();
    expect(allTypes(check(h))).toEqual([]);
    const r = check(h, { sequentialKeys: true });
    expect(allTypes(r)).toContain('G0');
    expect(r.details?.versionOrderSources).toContain('sequential-keys');
  });

  it('linearizable-keys turns a read of an overwritten value into cyclic versions', () => {
    const h = new HistoryBuilder()
      .txn(0, [['w', 'x', 1]])
      .txn(1, [['w', 'x', 2]])
      .txn(2, [['r', 'x', 1]])
      .build();
    expect(check(h).valid).toBe(true);
    const r = check(h, { linearizableKeys: true });
    expect(allTypes(r)).toEqual(['cyclic-versions']);
    expect(r.anomalies[0]!.text).toMatch(/^the linearizable-keys inference orders key x's versions in a cycle/);
  });

  it('cyclic-versions from writes-follow-reads, with the G1c that comes with it', () => {
    const h = new HistoryBuilder()
      .txn(0, [['r', 'x', 1], ['w', 'x', 2]])
      .txn(1, [['r', 'x', 2], ['w', 'x', 1]])
      .build();
    expect(allTypes(check(h))).toEqual(['G1c', 'cyclic-versions']);
    expect(allTypes(check(h, { wfrKeys: false }))).toEqual(['G1c']);
  });

  it('G1a: aborted read', () => {
    const h = new HistoryBuilder().txn(0, [['w', 'x', 1]], 'fail').txn(1, [['r', 'x', 1]]).build();
    expect(allTypes(check(h))).toEqual(['G1a']);
  });

  it('G1b: intermediate read', () => {
    const h = new HistoryBuilder().txn(0, [['w', 'x', 1], ['w', 'x', 2]]).txn(1, [['r', 'x', 1]]).build();
    expect(allTypes(check(h))).toEqual(['G1b']);
  });

  it('internal: a read that misses the transaction\'s own write', () => {
    const h = new HistoryBuilder().txn(0, [['w', 'x', 1], ['r', 'x', null]]).build();
    expect(allTypes(check(h))).toEqual(['internal']);
  });

  it('lost-update (with the write skew it forms)', () => {
    const h = new HistoryBuilder()
      .txn(0, [['r', 'x', null], ['w', 'x', 1]])
      .txn(1, [['r', 'x', null], ['w', 'x', 2]])
      .build();
    expect(allTypes(check(h))).toEqual(['G2-item', 'lost-update', 'write-skew']);
  });

  it('needs unique writes, and keeps null for the initial state', () => {
    const dup = new HistoryBuilder().txn(0, [['w', 'x', 1]]).txn(1, [['w', 'x', 1]]).build();
    expect(check(dup)).toMatchObject({ valid: 'unknown', error: 'value 1 was written to key x by both op 1 and op 3; rw-register needs every written value to be unique per key' });
    const nul = new HistoryBuilder().txn(0, [['w', 'x', null]]).build();
    expect(check(nul).valid).toBe('unknown');
  });
});
