import { vacuity } from '../vacuous.ts';
import type { History, Op } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import type { CheckResult } from '../../harness/result.ts';
import { clientPairs, misfit, show, refuseForeignOps } from './ops.ts';

/** One element's timeline (Jepsen's SetFullElement). */
interface Element {
  value: unknown;
  add: Op;
  /** When the element was first known to exist: its add's ok, or the first read that saw it. */
  known: Op | undefined;
  /** Latest invocation (by index) of a read that saw it / did not see it. */
  lastPresent: Op | undefined;
  lastAbsent: Op | undefined;
}

/**
 * Jepsen's set-full: `add` ops insert one element each, and `read` ops (any number, at any time)
 * return the whole set. For each element, from the reads that began after it was added: it is
 * *stable* if some read saw it after the last read that missed it, *lost* if it was known to
 * exist and a read that began after that missed it with no later read seeing it, else
 * *never-read*. A stable element that some read missed after it was known is *stale* (invalid
 * only with `linearizable`). Invalid when any element is lost or any read returns an element
 * twice; unknown when nothing became stable.
 */

const NEVER_STABLE = 'no element was ever stably read, so nothing could be checked';
export const setFullChecker: Checker = {
  name: 'set-full',
  options: ['linearizable'],
  description: 'Jepsen set-full: element timelines across all reads: lost, stale, never-read (--linearizable)',
  meanings: {
    'lost-element': 'lost element: an element known to exist (read, or its add acknowledged) was missing from every read after some point',
    'stale-element': 'stale read: an element known to exist was missing from a read that began later',
    'duplicate-element': 'duplicate element: one read returned the same element more than once',
  },
  check(history: History, options: CheckOptions): CheckResult {
    const linearizable = options.linearizable === true;
    refuseForeignOps(history, 'set-full', ['add', 'read']);
    const pairs = clientPairs(history, ['add', 'read']);
    const invokeOf = new Map<number, Op>();
    for (const p of pairs) if (p.completion) invokeOf.set(p.completion.index, p.invoke);
    const elements = new Map<string, Element>();
    const anomalies = new AnomalyList();
    for (const op of history) {
      if (typeof op.process !== 'number' || (op.f !== 'add' && op.f !== 'read')) continue;
      if (op.f === 'add') {
        const inv = op.type === 'invoke' ? op : invokeOf.get(op.index)!;
        const k = JSON.stringify(inv.value);
        if (op.type === 'invoke') {
          if (!elements.has(k)) elements.set(k, { value: op.value, add: op, known: undefined, lastPresent: undefined, lastAbsent: undefined });
        } else if (op.type === 'ok') {
          const e = elements.get(k)!;
          e.known ??= op;
        }
        continue;
      }
      if (op.type !== 'ok') continue;
      if (!Array.isArray(op.value)) throw misfit('set-full', op, `read value ${show(op.value)} is not a list of elements`);
      const inv = invokeOf.get(op.index)!;
      const seen = new Map<string, number>();
      for (const v of op.value) {
        const k = JSON.stringify(v);
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      const dups = [...seen].filter(([, n]) => n > 1);
      if (dups.length > 0) {
        anomalies.add({
          type: 'duplicate-element',
          ops: [op.index],
          explanation: { op: op.index, duplicates: Object.fromEntries(dups) },
          text: `op ${op.index} read ${dups.map(([k, n]) => `${k} ${n} times`).join(', ')}`,
        });
      }
      for (const [k, e] of elements) {
        if (seen.has(k)) {
          e.known ??= op;
          if (!e.lastPresent || e.lastPresent.index < inv.index) e.lastPresent = inv;
        } else if (!e.lastAbsent || e.lastAbsent.index < inv.index) {
          e.lastAbsent = inv;
        }
      }
    }
    const outcome = { stable: 0, lost: 0, neverRead: 0, stale: 0 };
    const stableLatencies: number[] = [];
    const lostLatencies: number[] = [];
    const worstStale: { element: unknown; latencyMs: number }[] = [];
    for (const e of elements.values()) {
      const absentAt = e.lastAbsent?.index ?? -1;
      const presentAt = e.lastPresent?.index ?? -1;
      const stable = e.lastPresent !== undefined && absentAt < presentAt;
      const lost = !stable && e.known !== undefined && e.lastAbsent !== undefined && presentAt < absentAt && e.known.index < absentAt;
      if (stable) {
        outcome.stable++;
        const stableTime = e.lastAbsent ? e.lastAbsent.time + 1 : 0;
        const latency = Math.floor(Math.max(0, stableTime - e.known!.time) / 1e6);
        stableLatencies.push(latency);
        if (latency > 0) {
          outcome.stale++;
          worstStale.push({ element: e.value, latencyMs: latency });
          if (linearizable) {
            anomalies.add({
              type: 'stale-element',
              ops: [e.known!.index, e.lastAbsent!.index],
              explanation: { element: e.value, known: e.known!.index, lastAbsent: e.lastAbsent!.index, latencyMs: latency },
              text: `${show(e.value)} was known to exist by op ${e.known!.index}, yet the read invoked at op ${e.lastAbsent!.index} missed it (stale for ${latency} ms)`,
            });
          }
        }
      } else if (lost) {
        outcome.lost++;
        const lostTime = e.lastPresent ? e.lastPresent.time + 1 : 0;
        lostLatencies.push(Math.floor(Math.max(0, lostTime - e.known!.time) / 1e6));
        anomalies.add({
          type: 'lost-element',
          ops: [e.known!.index, e.lastAbsent!.index],
          explanation: { element: e.value, known: e.known!.index, lastAbsent: e.lastAbsent!.index, lastPresent: e.lastPresent?.index ?? null },
          text:
            `${show(e.value)} was known to exist by op ${e.known!.index}, but the read invoked at op ${e.lastAbsent!.index} missed it` +
            (e.lastPresent ? ` and no read invoked after op ${e.lastPresent.index} saw it` : ' and no read ever saw it') +
            ' (lost)',
        });
      } else {
        outcome.neverRead++;
      }
    }
    const invalid = outcome.lost > 0 || anomalies.has('duplicate-element') || (linearizable && outcome.stale > 0);
    return {
      checker: 'set-full',
      valid: invalid ? false : outcome.stable === 0 ? 'unknown' : true,
      anomalyTypes: anomalies.types(),
      anomalies: anomalies.list(),
      ...(!invalid && outcome.stable === 0 ? { error: NEVER_STABLE, ...vacuity(NEVER_STABLE) } : {}),
      details: {
        attemptCount: elements.size,
        stableCount: outcome.stable,
        lostCount: outcome.lost,
        neverReadCount: outcome.neverRead,
        staleCount: outcome.stale,
        duplicatedCount: anomalies.countsOf()['duplicate-element'] ?? 0,
        worstStale: worstStale.sort((a, b) => b.latencyMs - a.latencyMs).slice(0, 8),
        stableLatencies: quantiles(stableLatencies),
        lostLatencies: quantiles(lostLatencies),
      },
    };
  },
};

function quantiles(xs: number[]): Record<string, number> | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Object.fromEntries([0, 0.5, 0.95, 0.99, 1].map((q) => [String(q), s[Math.min(s.length - 1, Math.floor(s.length * q))]!]));
}
