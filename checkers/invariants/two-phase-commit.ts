import type { History } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { Checker } from '../checker.ts';
import type { HeldSummary, Resolution, TwoPhaseCommitDetails } from '../explanations.ts';
import type { CheckResult } from '../../harness/result.ts';
import { clientPairs, misfit, refuseForeignOps } from '../jepsen/ops.ts';
import { vacuousResult } from '../vacuous.ts';

interface TransferValue {
  from: number;
  to: number;
  amount: number;
  gid?: string;
  heldMs?: number;
  pending?: string[];
}

interface Ledger {
  applied: Record<string, { gid: string; account: number; delta: number }[]>;
  inDoubt: Record<string, string[]>;
}

/**
 * Atomic commitment across shards (the 2pc-bank workload). From the final `ledger` op — each
 * shard's rows of applied global transactions and its prepared transactions still in doubt — and
 * the transfers' outcomes:
 *
 * - half-applied: a transaction applied to one account but not the other;
 * - lost-commit: an `ok` transfer (commit decided) applied nowhere;
 * - aborted-applied: a `fail` transfer applied anywhere;
 * - in-doubt: a prepared transaction left after the final recovery.
 *
 * The total itself is the bank checker's job. `details` shows the blocking cost of 2PC: how long
 * shards held prepared transactions (and their locks) on the normal path and while in doubt.
 */
export const twoPhaseCommitChecker: Checker = {
  name: '2pc',
  options: [],
  description: '2pc-bank: no half-applied transaction, no commit lost, nothing left in doubt; lock hold times',
  meanings: {
    'half-applied': 'a distributed transaction took effect on one shard but not the other (atomic commit broken)',
    'lost-commit': 'a distributed transaction the coordinator committed took effect on no shard',
    'aborted-applied': 'a distributed transaction the coordinator aborted took effect anyway',
    'in-doubt': 'a prepared transaction was still waiting for its outcome after recovery, holding its locks',
  },
  check(history: History): CheckResult {
    const t0 = performance.now();
    const transfers = new Map<string, { op: number; type: string; value: TransferValue }>();
    const normalHeld: number[] = [];
    let pendingCommits = 0;
    // The bank checker reads the same history's balance reads.
    refuseForeignOps(history, '2pc', ['transfer', 'recover', 'ledger'], ['read']);
    for (const p of clientPairs(history, ['transfer'])) {
      const c = p.completion;
      const v = (c?.value ?? p.invoke.value) as TransferValue | null;
      if (typeof v !== 'object' || v === null || typeof v.from !== 'number') throw misfit('2pc', c ?? p.invoke, 'a transfer value must be {from, to, amount, gid}');
      if (typeof v.gid === 'string') transfers.set(v.gid, { op: (c ?? p.invoke).index, type: c?.type ?? 'info', value: v });
      if (c?.type === 'ok' && typeof v.heldMs === 'number') normalHeld.push(v.heldMs);
      if (c?.type === 'ok' && Array.isArray(v.pending) && v.pending.length > 0) pendingCommits++;
    }
    const resolutions: Resolution[] = [];
    for (const p of clientPairs(history, ['recover'])) {
      if (p.completion?.type !== 'ok') continue;
      const v = p.completion.value as { resolved?: Resolution[] };
      if (!Array.isArray(v?.resolved)) throw misfit('2pc', p.completion, 'a recover value must be {resolved: [...]}');
      resolutions.push(...v.resolved);
    }
    const ledgers = clientPairs(history, ['ledger']).filter((p) => p.completion?.type === 'ok');
    const last = ledgers.at(-1)?.completion;
    const details: TwoPhaseCommitDetails = {
      transfers: transfers.size,
      /** Committed transfers whose COMMIT PREPARED failed on some shard (left to recovery). */
      pendingCommits,
      preparedHeldMs: { normal: summary(normalHeld), inDoubt: summary(resolutions.map((r) => r.heldMs)) },
      recovered: { commit: resolutions.filter((r) => r.decision === 'commit').length, abort: resolutions.filter((r) => r.decision === 'abort').length },
      longestInDoubt: [...resolutions].sort((a, b) => b.heldMs - a.heldMs).slice(0, 5),
    };
    if (!last) {
      return vacuousResult('2pc', 'unknown', 'no final ledger read succeeded, so atomicity could not be checked', { details });
    }
    const ledger = last.value as Ledger;
    if (typeof ledger?.applied !== 'object' || typeof ledger.inDoubt !== 'object') throw misfit('2pc', last, 'a ledger value must be {applied, inDoubt}');

    const anomalies = new AnomalyList();
    const appliedTo = new Map<string, Map<number, string>>();
    for (const [shard, rows] of Object.entries(ledger.applied)) {
      for (const r of rows) {
        const accounts = appliedTo.get(r.gid) ?? new Map<number, string>();
        accounts.set(r.account, shard);
        appliedTo.set(r.gid, accounts);
      }
    }
    for (const [gid, t] of transfers) {
      const applied = appliedTo.get(gid) ?? new Map<number, string>();
      const { from, to } = t.value;
      const where = (a: number) => (applied.has(a) ? `applied to account ${a} on ${applied.get(a)}` : `not applied to account ${a}`);
      if (applied.size > 0 && !(applied.has(from) && applied.has(to))) {
        anomalies.add({
          type: 'half-applied',
          key: gid,
          ops: [t.op, last.index],
          explanation: { gid, transfer: t.value, outcome: t.type, appliedTo: Object.fromEntries(applied) },
          text: `transaction ${gid} (op ${t.op}, ${t.type}: ${t.value.amount} from ${from} to ${to}) is half-applied: ${where(from)}, ${where(to)}`,
        });
      } else if (applied.size === 0 && t.type === 'ok') {
        anomalies.add({
          type: 'lost-commit',
          key: gid,
          ops: [t.op, last.index],
          explanation: { gid, transfer: t.value },
          text: `transaction ${gid} (op ${t.op}) was committed (ok) but is applied on no shard`,
        });
      } else if (applied.size > 0 && t.type === 'fail') {
        anomalies.add({
          type: 'aborted-applied',
          key: gid,
          ops: [t.op, last.index],
          explanation: { gid, transfer: t.value },
          text: `transaction ${gid} (op ${t.op}) failed (aborted) but is applied on ${[...new Set(applied.values())].join(' and ')}`,
        });
      }
    }
    for (const [shard, gids] of Object.entries(ledger.inDoubt)) {
      for (const gid of gids) {
        anomalies.add({
          type: 'in-doubt',
          key: gid,
          ops: [last.index],
          explanation: { gid, shard },
          text: `transaction ${gid} is still prepared (in doubt, holding its locks) on ${shard} after the final recovery`,
        });
      }
    }
    const types = anomalies.types();
    return {
      checker: '2pc',
      valid: types.length === 0,
      anomalyTypes: types,
      anomalies: anomalies.list(),
      stats: { checkMs: Math.round(performance.now() - t0) },
      details: { ...details, anomalyCounts: anomalies.countsOf() },
    };
  },
};

function summary(ms: number[]): HeldSummary {
  if (ms.length === 0) return { count: 0 };
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { count: ms.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
}
