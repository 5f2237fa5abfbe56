import { vacuity } from '../vacuous.ts';
import type { History } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { Checker } from '../checker.ts';
import type { CheckResult } from '../../harness/result.ts';
import { clientPairs, misfit, refuseForeignOps } from './ops.ts';

/**
 * Jepsen's counter: the counter starts at 0; `add` ops add their value, `read` ops return it.
 * Each ok read must lie between the sum of adds known to have completed before the read began
 * and the sum of adds attempted before it ended. Failed adds count for nothing; indeterminate
 * ones stay possible forever. Jepsen forbids negative adds; here a negative add widens the
 * bounds the other way, so decrements are checked soundly too.
 */
export const counterChecker: Checker = {
  name: 'counter',
  options: [],
  description: 'Jepsen counter: every read between the adds known done and the adds attempted',
  meanings: { 'out-of-bounds-read': 'a read outside what the adds allow: below the sum of adds known done, or above the sum of adds attempted' },
  check(history: History): CheckResult {
    refuseForeignOps(history, 'counter', ['add', 'read']);
    const pairs = clientPairs(history, ['add', 'read']);
    const failed = new Set<number>();
    for (const p of pairs) {
      if (p.invoke.f === 'add') {
        if (typeof p.invoke.value !== 'number' || !Number.isFinite(p.invoke.value)) throw misfit('counter', p.invoke, `add value ${JSON.stringify(p.invoke.value)} is not a number`);
        if (p.completion?.type === 'fail') failed.add(p.invoke.index);
      } else if (p.completion?.type === 'ok' && typeof p.completion.value !== 'number') {
        throw misfit('counter', p.completion, `read value ${JSON.stringify(p.completion.value)} is not a number`);
      }
    }
    const invokeOf = new Map<number, number>();
    for (const p of pairs) if (p.completion) invokeOf.set(p.completion.index, p.invoke.index);
    const anomalies = new AnomalyList();
    let lower = 0;
    let upper = 0;
    let reads = 0;
    const pendingLower = new Map<number, number>();
    const addValue = new Map<number, number>();
    for (const p of pairs) if (p.invoke.f === 'add') addValue.set(p.invoke.index, p.invoke.value as number);
    for (const op of history) {
      if (typeof op.process !== 'number' || (op.f !== 'add' && op.f !== 'read')) continue;
      if (op.f === 'add') {
        const inv = op.type === 'invoke' ? op.index : invokeOf.get(op.index);
        if (inv === undefined || failed.has(inv)) continue;
        const d = addValue.get(inv)!;
        if (op.type === 'invoke') d >= 0 ? (upper += d) : (lower += d);
        else if (op.type === 'ok') d >= 0 ? (lower += d) : (upper += d);
        continue;
      }
      if (op.type === 'invoke') pendingLower.set(op.index, lower);
      if (op.type !== 'ok') continue;
      reads++;
      const inv = invokeOf.get(op.index)!;
      const lo = pendingLower.get(inv)!;
      const value = op.value as number;
      if (value < lo || value > upper) {
        anomalies.add({
          type: 'out-of-bounds-read',
          ops: [inv, op.index],
          explanation: { op: op.index, lower: lo, value, upper },
          text: `op ${op.index} read ${value}, but the counter was between ${lo} (adds known complete when the read began) and ${upper} (adds attempted by the time it ended)`,
        });
      }
    }
    return {
      checker: 'counter',
      valid: anomalies.types().length === 0,
      anomalyTypes: anomalies.types(),
      anomalies: anomalies.list(),
      ...(reads === 0 ? vacuity('no read completed ok, so no value could be checked against the adds') : {}),
      details: { reads, errors: anomalies.countsOf()['out-of-bounds-read'] ?? 0, finalBounds: [lower, upper] },
    };
  },
};
