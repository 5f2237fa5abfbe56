import type { History } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { Checker } from '../checker.ts';
import { unknown, type CheckResult } from '../../harness/result.ts';
import { vacuity } from '../vacuous.ts';
import { Multiset, clientPairs, misfit, show, refuseForeignOps } from './ops.ts';

/**
 * Jepsen's total-queue: what goes in must come out, once the queue has been drained. Every
 * acknowledged `enqueue` needs a successful `dequeue` of its value (else `lost-element`), and
 * every dequeued value must have been enqueued by someone (else `unexpected-element`). A `drain`
 * op returns many values at once. Values dequeued more often than enqueued are counted as
 * duplicated but, as in Jepsen, do not fail the check. A dequeue that returns null found the
 * queue empty.
 */
export const totalQueueChecker: Checker = {
  name: 'total-queue',
  options: [],
  description: 'Jepsen total-queue: every acknowledged enqueue dequeued, nothing dequeued that was never enqueued',
  meanings: {
    'lost-element': 'lost element: an acknowledged enqueue was never dequeued',
    'unexpected-element': 'unexpected element: a dequeue returned something no client ever enqueued',
  },
  check(history: History): CheckResult {
    refuseForeignOps(history, 'total-queue', ['enqueue', 'dequeue', 'drain']);
    const attempts = new Multiset();
    const enqueues = new Multiset();
    const dequeues = new Multiset();
    const dequeuedBy = new Map<string, number>();
    const enqueuedBy = new Map<string, number>();
    let undecidable: string | undefined;
    for (const p of clientPairs(history, ['enqueue', 'dequeue', 'drain'])) {
      const c = p.completion;
      if (p.invoke.f === 'enqueue') {
        attempts.add(p.invoke.value);
        if (c?.type === 'ok') {
          enqueues.add(p.invoke.value);
          enqueuedBy.set(JSON.stringify(p.invoke.value), c.index);
        }
      } else if (p.invoke.f === 'dequeue') {
        if (c?.type === 'ok' && c.value !== null) {
          dequeues.add(c.value);
          dequeuedBy.set(JSON.stringify(c.value), c.index);
        }
      } else if (c?.type === 'ok') {
        if (!Array.isArray(c.value)) throw misfit('total-queue', c, `drain value ${show(c.value)} is not a list of elements`);
        for (const v of c.value) {
          dequeues.add(v);
          dequeuedBy.set(JSON.stringify(v), c.index);
        }
      } else if (c === undefined || c.type === 'info') {
        undecidable ??= `drain op ${p.invoke.index} never completed, so what it removed from the queue is unknown`;
      }
    }
    if (undecidable) return unknown('total-queue', undecidable);
    const anomalies = new AnomalyList();
    let ok = 0;
    let unexpected = 0;
    let duplicated = 0;
    let recovered = 0;
    for (const { value, count } of dequeues.entries()) {
      const tried = attempts.count(value);
      const op = dequeuedBy.get(JSON.stringify(value))!;
      if (tried === 0) {
        unexpected += count;
        anomalies.add({
          type: 'unexpected-element',
          ops: [op],
          explanation: { element: value, count, dequeue: op },
          text: `${show(value)} was dequeued (op ${op}) but no operation ever enqueued it`,
        });
        continue;
      }
      ok += Math.min(count, tried);
      duplicated += Math.max(0, count - tried);
      recovered += Math.max(0, Math.min(count, tried) - enqueues.count(value));
    }
    let lost = 0;
    for (const { value, count } of enqueues.entries()) {
      const missing = count - dequeues.count(value);
      if (missing <= 0) continue;
      lost += missing;
      const op = enqueuedBy.get(JSON.stringify(value))!;
      anomalies.add({
        type: 'lost-element',
        ops: [op],
        explanation: { element: value, missing, enqueue: op },
        text: `${show(value)} was enqueued (op ${op} succeeded) but never dequeued`,
      });
    }
    const result = anomalies.result("total-queue", {
      attemptCount: attempts.size,
      acknowledgedCount: enqueues.size,
      okCount: ok,
      unexpectedCount: unexpected,
      duplicatedCount: duplicated,
      lostCount: lost,
      recoveredCount: recovered,
    });
    return enqueues.size === 0 && dequeues.size === 0 ? { ...result, ...vacuity("no enqueue and no dequeue completed ok, so nothing could be lost or come from nowhere") } : result;
  },
};
