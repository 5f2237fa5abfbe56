import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { twoPhaseCommitChecker } from './two-phase-commit.ts';

const transfer = (gid: string, from = 0, to = 1, amount = 5) => ({ from, to, amount, gid });
const row = (gid: string, account: number, delta: number) => ({ gid, account, delta });
const check = (h: ReturnType<HistoryBuilder['build']>) => twoPhaseCommitChecker.check(h, {}) as CheckResult;

describe('2pc checker', () => {
  it('passes when every transaction is applied to both accounts or neither, and reports lock hold times', () => {
    const h = new HistoryBuilder()
      .op(0, 'transfer', transfer('g1'), 'ok', { ...transfer('g1'), heldMs: 2, pending: ['n2'] })
      .op(1, 'transfer', transfer('g2'), 'fail', transfer('g2'))
      .op(2, 'transfer', transfer('g3'), 'info', transfer('g3'))
      .op(0, 'recover', null, 'ok', { resolved: [{ gid: 'g3', shard: 'n2', decision: 'commit', heldMs: 4200 }], skipped: 0 })
      .op(0, 'ledger', null, 'ok', { applied: { n1: [row('g1', 0, -5), row('g3', 0, -5)], n2: [row('g1', 1, 5), row('g3', 1, 5)] }, inDoubt: { n1: [], n2: [] } })
      .build();
    const r = check(h);
    expect(r.valid).toBe(true);
    expect(r.details?.preparedHeldMs).toEqual({ normal: { count: 1, p50: 2, p99: 2, max: 2 }, inDoubt: { count: 1, p50: 4200, p99: 4200, max: 4200 } });
    expect(r.details?.recovered).toEqual({ commit: 1, abort: 0 });
    expect(r.details?.pendingCommits).toBe(1);
  });

  it('names a half-applied transaction, a lost commit, an aborted one applied, and one left in doubt', () => {
    const h = new HistoryBuilder()
      .op(0, 'transfer', transfer('g1'), 'info', transfer('g1'))
      .op(1, 'transfer', transfer('g2'), 'ok', transfer('g2'))
      .op(2, 'transfer', transfer('g3'), 'fail', transfer('g3'))
      .op(0, 'ledger', null, 'ok', { applied: { n1: [row('g1', 0, -5), row('g3', 0, -5)], n2: [row('g3', 1, 5)] }, inDoubt: { n1: [], n2: ['g1'] } })
      .build();
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['aborted-applied', 'half-applied', 'in-doubt', 'lost-commit']);
    expect(r.anomalies.find((a) => a.type === 'half-applied')?.text).toBe(
      'transaction g1 (op 1, info: 5 from 0 to 1) is half-applied: applied to account 0 on n1, not applied to account 1',
    );
    expect(r.anomalies.find((a) => a.type === 'in-doubt')?.text).toBe('transaction g1 is still prepared (in doubt, holding its locks) on n2 after the final recovery');
  });

  it('is unknown without a final ledger', () => {
    const r = check(new HistoryBuilder().op(0, 'transfer', transfer('g1'), 'ok', transfer('g1')).build());
    expect(r.valid).toBe('unknown');
    expect(r.error).toMatch(/no final ledger/);
  });
});
