import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { lostUpdateChecker } from './lost-update.ts';

const check = (h: ReturnType<HistoryBuilder['build']>, consistencyModel?: string) => lostUpdateChecker.check(h, { consistencyModel }) as CheckResult;
const inc = (k: number, x: number) => [['r', k, x], ['w', k, x + 1]];

describe('lost-update checker', () => {
  it('finds nothing when every increment saw the one before', () => {
    const h = new HistoryBuilder().txn(0, inc(0, 0)).txn(1, inc(0, 1)).txn(0, inc(1, 0)).txn(1, [['r', 0, 2], ['r', 1, 1]]).build();
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.anomalies).toEqual([]);
    expect(r.details?.counters).toEqual({ 0: { committed: 2, indeterminate: 0, finalValue: 2 }, 1: { committed: 1, indeterminate: 0, finalValue: 1 } });
  });

  it('names two committed increments that read the same value, with Elle\'s text', () => {
    const h = new HistoryBuilder().txn(0, inc(0, 0)).txn(1, inc(0, 0)).txn(2, [['r', 0, 1]]).build();
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['lost-update']);
    expect(r.anomalies.map((a) => a.text)).toEqual([
      'ops 1, 3 all read key 0 = 0 and then wrote 0: all but one of those updates were lost (lost update)',
      'key 0: 2 increments committed, but op 5, invoked after all of them completed, read 1: at least 1 lost',
    ]);
    expect(r.notModels).toContain('snapshot-isolation');
    expect(r.notModels).not.toContain('read-committed');
  });

  it('does not count an increment that failed, nor blame one whose outcome is unknown', () => {
    const h = new HistoryBuilder().txn(0, inc(0, 0)).txn(1, inc(0, 0), 'fail').txn(2, inc(0, 1), 'info').txn(3, [['r', 0, 1]]).build();
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.details?.counters).toEqual({ 0: { committed: 1, indeterminate: 1, finalValue: 1 } });
  });

  it('judges against the consistency model: read committed allows lost updates', () => {
    const h = new HistoryBuilder().txn(0, inc(0, 0)).txn(1, inc(0, 0)).txn(2, [['r', 0, 1]]).build();
    const r = check(h, 'read-committed');
    expect(r.valid).toBe(true);
    expect((r.details?.allowedAnomalies as unknown[]).length).toBe(1);
    // Without realtime order, a low final read proves nothing; it is reported, not judged.
    expect((r.details?.unjudgedDeficits as unknown[]).length).toBe(1);
  });

  it('is unknown when no increment committed', () => {
    const r = check(new HistoryBuilder().txn(0, inc(0, 0), 'fail').build());
    expect(r.valid).toBe('unknown');
    expect(r.error).toMatch(/no increment committed/);
  });

  it('rejects a history of another shape with a specific error', () => {
    const h = new HistoryBuilder().txn(0, [['append', 0, 1]]).build();
    expect(() => check(h)).toThrow(/does not fit the lost-update checker: micro-op 0 has f "append"/);
  });
});
