import type { History } from '../harness/history/op.ts';
import type { Checker } from './checker.ts';
import { anomalyTypesOf, type Anomaly, type CheckResult } from '../harness/result.ts';
import { vacuity } from './vacuous.ts';

export interface OutcomeCounts {
  ok: number;
  fail: number;
  info: number;
  /** Invoked but never completed before the history ended. */
  pending: number;
}

/**
 * Counts ok / fail / info per client `f`. Invalid when some `f` was attempted and never once
 * succeeded (Jepsen's stats checker): a workload whose writes all fail tests nothing.
 * Nemesis ops are not counted.
 */
export const statsChecker: Checker = {
  name: 'stats',
  options: [],
  description: 'ok / fail / info counts per operation; invalid when some operation never succeeded',
  meanings: { 'never-succeeded': 'an operation never succeeded: a workload whose operations all fail tests nothing' },
  check(history: History): CheckResult {
    const byF = new Map<string, OutcomeCounts>();
    const inFlight = new Map<number, string>();
    for (const op of history) {
      if (op.process === 'nemesis') continue;
      let c = byF.get(op.f);
      if (!c) byF.set(op.f, (c = { ok: 0, fail: 0, info: 0, pending: 0 }));
      if (op.type === 'invoke') {
        inFlight.set(op.process, op.f);
      } else {
        c[op.type]++;
        inFlight.delete(op.process);
      }
    }
    for (const f of inFlight.values()) byF.get(f)!.pending++;
    const anomalies: Anomaly[] = [];
    const total: OutcomeCounts = { ok: 0, fail: 0, info: 0, pending: 0 };
    for (const [f, c] of [...byF].sort(([a], [b]) => a.localeCompare(b))) {
      total.ok += c.ok;
      total.fail += c.fail;
      total.info += c.info;
      total.pending += c.pending;
      if (c.ok === 0) {
        anomalies.push({
          type: 'never-succeeded',
          explanation: { f, ...c },
          text: `No ${f} operation succeeded (${c.fail} failed, ${c.info} indeterminate, ${c.pending} unfinished).`,
        });
      }
    }
    return {
      checker: 'stats',
      valid: anomalies.length === 0,
      anomalyTypes: anomalyTypesOf(anomalies),
      anomalies,
      ...(byF.size === 0 ? vacuity('the history has no client operations') : {}),
      details: { total, byF: Object.fromEntries(byF) },
    };
  },
};
