import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { setFullChecker } from './set-full.ts';

const check = (b: HistoryBuilder, options = {}) => setFullChecker.check(b.build(), options) as CheckResult;

describe('set-full', () => {
  it('calls elements stable once every later read sees them', () => {
    const r = check(new HistoryBuilder().op(0, 'add', 1).op(1, 'read', null, 'ok', [1]).op(0, 'add', 2).op(1, 'read', null, 'ok', [1, 2]));
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ attemptCount: 2, stableCount: 2, lostCount: 0, staleCount: 0 });
  });

  it('flags an element a read missed after it was known, with no later read seeing it', () => {
    const r = check(new HistoryBuilder().op(0, 'add', 1).op(1, 'read', null, 'ok', [1]).op(1, 'read', null, 'ok', []));
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['lost-element']);
    expect(r.anomalies[0]!.text).toBe('1 was known to exist by op 1, but the read invoked at op 4 missed it and no read invoked after op 2 saw it (lost)');
  });

  it('counts stale reads, and fails them only when the set should be linearizable', () => {
    const b = () =>
      new HistoryBuilder()
        .op(0, 'add', 1)
        .wait(5)
        .op(1, 'read', null, 'ok', [])
        .op(1, 'read', null, 'ok', [1]);
    expect(check(b())).toMatchObject({ valid: true, details: { staleCount: 1 } });
    const lin = check(b(), { linearizable: true });
    expect(lin.valid).toBe(false);
    expect(lin.anomalyTypes).toEqual(['stale-element']);
  });

  it('treats a read concurrent with the add as telling nothing, and flags duplicates', () => {
    const concurrent = new HistoryBuilder().invoke(0, 'add', 1).op(1, 'read', null, 'ok', []).ok(0);
    expect(check(concurrent)).toMatchObject({ valid: 'unknown', details: { neverReadCount: 1 } });
    const dup = check(new HistoryBuilder().op(0, 'add', 1).op(1, 'read', null, 'ok', [1, 1]));
    expect(dup.valid).toBe(false);
    expect(dup.anomalyTypes).toEqual(['duplicate-element']);
  });
});
