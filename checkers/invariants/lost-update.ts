import type { History } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import type { Anomaly, CheckResult, Validity } from '../../harness/result.ts';
import { anomaliesProhibitedBy, impossibleModels, ordersNeeded, parseTransactionalModel } from '../elle/models.ts';
import { LostUpdates, txnOp } from '../elle/txn-anomalies.ts';
import { collectTxns, INFO, OK, type Key } from '../elle/txns.ts';
import { showKey } from '../elle/values.ts';
import { vacuity } from '../vacuous.ts';

interface KeyCount {
  committed: number;
  indeterminate: number;
  /** History index by which every committed increment had completed. */
  lastCommitDone: number;
  /** The latest committed read invoked after that: the value every committed increment must be in. */
  finalRead?: { op: number; invoke: number; value: number };
}

/**
 * Read-modify-write counters: transactions `[["r", k, x], ["w", k, x + 1]]` (the increment is
 * computed by the client from its own snapshot) and reads `[["r", k, x], …]`. Two checks:
 *
 * - lost-update (Elle's definition, through Elle's own detector): two committed transactions read
 *   the same value of a key and both wrote it — one increment overwrote the other. Needs no
 *   version order, so it holds under every model that forbids lost update.
 * - lost increments: a committed read of a key, invoked after every committed increment of that
 *   key had completed, shows fewer increments than committed. That inference leans on realtime
 *   order, so it counts as a lost update only under models that include realtime (strict
 *   serializable); otherwise the counts are reported in `details` alone.
 *
 * Values written need not be unique (a lost update writes the same x + 1 twice), which is why
 * this is not Elle's rw-register checker.
 */
export const lostUpdateChecker: Checker = {
  name: 'lost-update',
  options: ['consistencyModel'],
  description: 'read-modify-write counters: no committed increment lost (--consistency-model)',
  meanings: { 'lost-update': 'lost update: two transactions read the same version and both wrote it, so one increment vanished' },
  validateOptions(options) {
    try {
      parseTransactionalModel(options.consistencyModel, 'lost-update');
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  },
  check(history: History, options: CheckOptions): CheckResult {
    const t0 = performance.now();
    const model = parseTransactionalModel(options.consistencyModel, 'lost-update');
    const txns = collectTxns(history, 'lost-update', ['w', 'r'], (v) => v === null || typeof v === 'number', 'a number (or null for a missing counter)');
    const anomalies = new AnomalyList();
    const lost = new LostUpdates('w', false);
    const counts = new Map<Key, KeyCount>();
    const countOf = (k: Key) => counts.get(k) ?? (counts.set(k, { committed: 0, indeterminate: 0, lastCommitDone: -1 }), counts.get(k)!);
    for (let t = 0; t < txns.count; t++) {
      const mops = txns.mops[t]!;
      if (txns.type[t] === OK) lost.add(t, mops);
      for (const [f, k] of mops) {
        if (f !== 'w') continue;
        const c = countOf(k);
        if (txns.type[t] === OK) {
          c.committed++;
          c.lastCommitDone = Math.max(c.lastCommitDone, txns.complete[t]!);
        } else if (txns.type[t] === INFO) c.indeterminate++;
      }
    }
    lost.report(txns, anomalies);
    for (let t = 0; t < txns.count; t++) {
      if (txns.type[t] !== OK) continue;
      for (const [f, k, v] of txns.mops[t]!) {
        const c = counts.get(k);
        if (f !== 'r' || typeof v !== 'number' || !c || txns.invoke[t]! < c.lastCommitDone) continue;
        if (!c.finalRead || txns.invoke[t]! > c.finalRead.invoke) c.finalRead = { op: txnOp(txns, t), invoke: txns.invoke[t]!, value: v };
      }
    }
    const deficits: Anomaly[] = [];
    for (const [k, c] of counts) {
      if (!c.finalRead || c.finalRead.value >= c.committed) continue;
      const missing = c.committed - c.finalRead.value;
      deficits.push({
        type: 'lost-update',
        key: k,
        ops: [c.finalRead.op],
        explanation: { key: k, committedIncrements: c.committed, finalValue: c.finalRead.value, lost: missing, read: c.finalRead.op },
        text: `key ${showKey(k)}: ${c.committed} increments committed, but op ${c.finalRead.op}, invoked after all of them completed, read ${c.finalRead.value}: at least ${missing} lost`,
      });
    }
    if (ordersNeeded(model).realtime) for (const a of deficits) anomalies.add(a);

    const prohibited = anomaliesProhibitedBy(model);
    const found = anomalies.types();
    const kept = anomalies.list((type) => prohibited.has(type));
    const committed = [...counts.values()].reduce((s, c) => s + c.committed, 0);
    let valid: Validity = kept.length > 0 ? false : true;
    let error: string | undefined;
    if (valid === true && committed === 0) {
      valid = 'unknown';
      error = 'no increment committed, so nothing could be checked';
    }
    const vacuous = committed === 0 ? vacuity('no increment committed, so nothing could be checked') : {};
    return {
      checker: 'lost-update',
      valid,
      ...vacuous,
      anomalyTypes: [...new Set(kept.map((a) => a.type))].sort(),
      anomalies: kept,
      notModels: impossibleModels(found),
      ...(error ? { error } : {}),
      stats: { checkMs: Math.round(performance.now() - t0) },
      details: {
        consistencyModel: model,
        anomalyCounts: anomalies.countsOf((type) => prohibited.has(type)),
        allowedAnomalies: anomalies.list((type) => !prohibited.has(type)),
        ...(ordersNeeded(model).realtime ? {} : { unjudgedDeficits: deficits }),
        counters: Object.fromEntries(
          [...counts].map(([k, c]) => [String(k), { committed: c.committed, indeterminate: c.indeterminate, finalValue: c.finalRead?.value ?? null }]),
        ),
      },
    };
  },
};
