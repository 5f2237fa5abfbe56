import { vacuity } from '../vacuous.ts';
import type { History } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { Checker } from '../checker.ts';
import type { CheckResult } from '../../harness/result.ts';
import { Multiset, clientPairs, show, refuseForeignOps } from './ops.ts';

/**
 * Jepsen's unique-ids: every successful `generate` returns an id no other one returned.
 * A history where no generate succeeded checked nothing, so it is `unknown` (Jepsen says valid).
 */
export const uniqueIdsChecker: Checker = {
  name: 'unique-ids',
  options: [],
  description: 'Jepsen unique-ids: no id returned twice by successful generate ops',
  meanings: { 'duplicate-id': 'duplicate id: two successful generate operations returned the same id' },
  check(history: History): CheckResult {
    refuseForeignOps(history, 'unique-ids', ['generate']);
    const pairs = clientPairs(history, ['generate']);
    const ids = new Multiset();
    const opsOf = new Map<string, number[]>();
    let acknowledged = 0;
    let lo: unknown;
    let hi: unknown;
    for (const p of pairs) {
      if (p.completion?.type !== 'ok') continue;
      const id = p.completion.value;
      acknowledged++;
      ids.add(id);
      const k = JSON.stringify(id);
      const list = opsOf.get(k);
      if (list) list.push(p.completion.index);
      else opsOf.set(k, [p.completion.index]);
      if (lo === undefined || less(id, lo)) lo = id;
      if (hi === undefined || less(hi, id)) hi = id;
    }
    const anomalies = new AnomalyList();
    const dups = ids.entries().filter((e) => e.count > 1).sort((a, b) => b.count - a.count);
    for (const { value, count } of dups) {
      const ops = opsOf.get(JSON.stringify(value))!;
      anomalies.add({
        type: 'duplicate-id',
        ops,
        explanation: { id: value, count, ops },
        text: `id ${show(value)} was generated ${count} times (ops ${ops.join(', ')})`,
      });
    }
    return {
      checker: 'unique-ids',
      valid: dups.length === 0,
      anomalyTypes: anomalies.types(),
      anomalies: anomalies.list(),
      ...(acknowledged === 0 ? vacuity('no generate operation completed ok, so no id could repeat') : {}),
      details: {
        attemptedCount: pairs.length,
        acknowledgedCount: acknowledged,
        duplicatedCount: dups.length,
        duplicated: Object.fromEntries(dups.slice(0, 48).map((d) => [JSON.stringify(d.value), d.count])),
        range: acknowledged === 0 ? null : [lo, hi],
      },
    };
  },
};

function less(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  return JSON.stringify(a) < JSON.stringify(b);
}
