import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { onCallChecker } from './on-call.ts';

const check = (h: ReturnType<HistoryBuilder['build']>, consistencyModel?: string) => onCallChecker.check(h, { consistencyModel }) as CheckResult;
/** Doctor `mine` of shift `s` goes off call, having read both on call. */
const offCall = (s: number, mine: number, id: number) => [['r', `s${s}-d0`, null], ['r', `s${s}-d1`, null], ['w', `s${s}-d${mine}`, id]];

describe('on-call checker', () => {
  it('finds nothing when the second transaction saw the first and backed off', () => {
    const h = new HistoryBuilder().txn(0, offCall(0, 0, 1)).txn(1, [['r', 's0-d0', 1], ['r', 's0-d1', null]]).build();
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ shifts: 1, doctorsPerShift: 2, committedWrites: 1, violations: 0 });
  });

  it('names a shift whose doctors were all taken off call by committed transactions', () => {
    const h = new HistoryBuilder().txn(0, offCall(3, 0, 1)).txn(1, offCall(3, 1, 2)).build();
    const r = check(h, 'serializable');
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['on-call-invariant']);
    expect(r.anomalies[0]?.text).toBe(
      'shift 3 has no doctor on call: doctor 0 was taken off call by op 1; doctor 1 was taken off call by op 3 — each having read that at least two were on call (write skew)',
    );
    expect(r.notModels).toContain('serializable');
  });

  it('counts a doctor a committed read saw off call, even if the write that did it is indeterminate', () => {
    const h = new HistoryBuilder().txn(0, offCall(1, 0, 1), 'info').txn(1, offCall(1, 1, 2)).txn(2, [['r', 's1-d0', 1], ['r', 's1-d1', 2]]).build();
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(r.anomalies[0]?.text).toMatch(/doctor 0 was read off call by op 5; doctor 1 was taken off call by op 3/);
  });

  it('allows the violation under snapshot isolation (write skew is allowed there) and reports it in details', () => {
    const h = new HistoryBuilder().txn(0, offCall(3, 0, 1)).txn(1, offCall(3, 1, 2)).build();
    const r = check(h, 'snapshot-isolation');
    expect(r.valid).toBe(true);
    expect(r.anomalies).toEqual([]);
    expect((r.details?.allowedAnomalies as unknown[]).length).toBe(1);
  });

  it('is unknown when no doctor was ever taken off call', () => {
    const r = check(new HistoryBuilder().txn(0, offCall(0, 0, 1), 'fail').build());
    expect(r.valid).toBe('unknown');
  });
});
