import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { setChecker } from './set.ts';

const check = (b: HistoryBuilder) => setChecker.check(b.build(), {}) as CheckResult;

describe('set', () => {
  it('accepts a final read with every acknowledged add, counting recovered indeterminate ones', () => {
    const r = check(new HistoryBuilder().op(0, 'add', 1).op(1, 'add', 2, 'info').op(0, 'add', 3, 'fail').op(0, 'read', null, 'ok', [1, 2]));
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ attemptCount: 3, acknowledgedCount: 1, okCount: 2, recoveredCount: 1, lostCount: 0 });
  });

  it('flags lost and unexpected elements, judging only the last read', () => {
    const r = check(
      new HistoryBuilder()
        .op(0, 'add', 1)
        .op(0, 'add', 2)
        .op(1, 'read', null, 'ok', [1, 2])
        .op(1, 'read', null, 'ok', [2, 9]),
    );
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['lost-element', 'unexpected-element']);
    expect(r.anomalies.find((a) => a.type === 'lost-element')!.text).toBe('1 was added (op 1 succeeded) but is missing from the final read (op 7)');
  });

  it('is unknown (as in Jepsen) and vacuous when the set was never read', () => {
    const why = 'the set was never read (ok), so no element could be found lost';
    expect(check(new HistoryBuilder().op(0, 'add', 1))).toMatchObject({ valid: 'unknown', error: why, vacuous: true, vacuousReason: why });
  });
});
