import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { bankChecker } from './bank.ts';

const check = (b: HistoryBuilder, options = {}) => bankChecker.check(b.build(), options) as CheckResult;
const transfer = { from: 0, to: 1, amount: 5 };

describe('bank', () => {
  it('accepts reads that conserve the total', () => {
    const b = new HistoryBuilder().op(0, 'read', null, 'ok', { 0: 10, 1: 10 }).op(1, 'transfer', transfer).op(0, 'read', null, 'ok', { 0: 5, 1: 15 });
    const r = check(b, { totalAmount: 20 });
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ readCount: 2, totalAmount: 20, totalInferredFromFirstRead: false });
  });

  it('flags a wrong total, taking the total from the first read when none is given', () => {
    const b = new HistoryBuilder().op(0, 'read', null, 'ok', { 0: 10, 1: 10 }).op(0, 'read', null, 'ok', { 0: 5, 1: 10 });
    const r = check(b);
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['wrong-total']);
    expect(r.anomalies[0]!.text).toBe('op 3 read balances totalling 15, but the total is 20 (from the first read): {"0":5,"1":10}');
  });

  it('flags negative balances unless they are allowed', () => {
    const b = () => new HistoryBuilder().op(0, 'read', null, 'ok', { 0: 25, 1: -5 });
    expect(check(b(), { totalAmount: 20 }).anomalyTypes).toEqual(['negative-value']);
    expect(check(b(), { totalAmount: 20, negativeBalances: true }).valid).toBe(true);
  });

  it('flags unknown accounts and missing balances first', () => {
    const r = check(new HistoryBuilder().op(0, 'read', null, 'ok', { 0: 10, 7: 10 }).op(0, 'read', null, 'ok', { 0: 10, 1: null }), { accounts: '0,1', totalAmount: 20 });
    expect(r.anomalyTypes).toEqual(['nil-balance', 'unexpected-key']);
  });

  it('is valid (as in Jepsen) but vacuous without reads', () => {
    expect(check(new HistoryBuilder().op(1, 'transfer', transfer))).toMatchObject({ valid: true, vacuous: true, vacuousReason: 'no read completed ok, so no total could be checked' });
  });
});
