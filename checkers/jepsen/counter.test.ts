import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { counterChecker } from './counter.ts';

const check = (b: HistoryBuilder) => counterChecker.check(b.build(), {}) as CheckResult;

describe('counter', () => {
  it('accepts reads between completed and attempted adds', () => {
    const b = new HistoryBuilder()
      .op(0, 'add', 1)
      .invoke(1, 'add', 2) // in flight across the read: the read may or may not see it
      .op(2, 'read', null, 'ok', 3)
      .ok(1)
      .op(2, 'read', null, 'ok', 3)
      .op(0, 'add', 5, 'info') // indeterminate: possible forever after
      .op(2, 'read', null, 'ok', 3)
      .op(2, 'read', null, 'ok', 8);
    const r = check(b);
    expect(r.valid).toBe(true);
    expect(r.details?.reads).toBe(4);
  });

  it('flags a read below the adds known complete, and one above the adds attempted', () => {
    const b = new HistoryBuilder()
      .op(0, 'add', 2)
      .op(1, 'read', null, 'ok', 1)
      .op(0, 'add', 1, 'fail') // failed adds count for nothing
      .op(1, 'read', null, 'ok', 3);
    const r = check(b);
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['out-of-bounds-read']);
    expect(r.anomalies.map((a) => a.text)).toEqual([
      'op 3 read 1, but the counter was between 2 (adds known complete when the read began) and 2 (adds attempted by the time it ended)',
      'op 7 read 3, but the counter was between 2 (adds known complete when the read began) and 2 (adds attempted by the time it ended)',
    ]);
  });

  it('handles decrements soundly', () => {
    const b = new HistoryBuilder().op(0, 'add', 5).invoke(0, 'add', -3).op(1, 'read', null, 'ok', 2).op(1, 'read', null, 'ok', 5).ok(0).op(1, 'read', null, 'ok', 2);
    expect(check(b).valid).toBe(true);
    expect(check(new HistoryBuilder().op(0, 'add', 5).op(0, 'add', -3).op(1, 'read', null, 'ok', 5)).valid).toBe(false);
  });

  it('is valid (as in Jepsen) but vacuous without reads, and rejects non-numeric adds', () => {
    expect(check(new HistoryBuilder().op(0, 'add', 1))).toMatchObject({ valid: true, vacuous: true });
    expect(check(new HistoryBuilder().op(0, 'add', 1).op(1, 'read', 1)).vacuous).toBeUndefined();
    expect(() => check(new HistoryBuilder().op(0, 'add', 'one'))).toThrow(/op 0 \(invoke add\) does not fit the counter checker: add value "one" is not a number/);
  });
});
