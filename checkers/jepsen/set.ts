import { vacuousResult } from '../vacuous.ts';
import type { History } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { Checker } from '../checker.ts';
import type { CheckResult } from '../../harness/result.ts';
import { Multiset, clientPairs, misfit, show, sortValues, refuseForeignOps } from './ops.ts';

/**
 * Jepsen's set: `add` ops insert one element each, and the last successful `read` returns the
 * whole set. Every acknowledged add must be in it (else `lost-element`), and it may hold only
 * elements someone tried to add (else `unexpected-element`). Elements of indeterminate adds
 * that turn up are "recovered".
 */
export const setChecker: Checker = {
  name: 'set',
  options: [],
  description: 'Jepsen set: the final read holds every acknowledged add and nothing never added',
  meanings: {
    'lost-element': 'lost element: an acknowledged add never showed up in the final read',
    'unexpected-element': 'unexpected element: a read returned something no client ever added',
  },
  check(history: History): CheckResult {
    refuseForeignOps(history, 'set', ['add', 'read']);
    const pairs = clientPairs(history, ['add', 'read']);
    const attempts = new Multiset();
    const added = new Map<unknown, number>();
    let finalRead: { value: unknown[]; op: number } | undefined;
    for (const p of pairs) {
      if (p.invoke.f === 'add') {
        attempts.add(p.invoke.value);
        if (p.completion?.type === 'ok') added.set(key(p.invoke.value), p.completion.index);
      } else if (p.completion?.type === 'ok') {
        if (!Array.isArray(p.completion.value)) throw misfit('set', p.completion, `read value ${show(p.completion.value)} is not a list of elements`);
        if (!finalRead || p.completion.index > finalRead.op) finalRead = { value: p.completion.value, op: p.completion.index };
      }
    }
    if (!finalRead) {
      return vacuousResult('set', 'unknown', 'the set was never read (ok), so no element could be found lost');
    }
    const read = new Multiset();
    for (const e of finalRead.value) read.add(e);
    const anomalies = new AnomalyList();
    let ok = 0;
    let recovered = 0;
    for (const { value } of read.entries()) {
      if (!attempts.has(value)) {
        anomalies.add({
          type: 'unexpected-element',
          ops: [finalRead.op],
          explanation: { element: value, read: finalRead.op },
          text: `the final read (op ${finalRead.op}) contains ${show(value)}, which no operation ever tried to add`,
        });
        continue;
      }
      ok++;
      if (!added.has(key(value))) recovered++;
    }
    const lost = sortValues([...added.keys()].filter((k) => !read.has(unkey(k)))).map(unkey);
    for (const value of lost) {
      const op = added.get(key(value))!;
      anomalies.add({
        type: 'lost-element',
        ops: [op, finalRead.op],
        explanation: { element: value, add: op, read: finalRead.op },
        text: `${show(value)} was added (op ${op} succeeded) but is missing from the final read (op ${finalRead.op})`,
      });
    }
    return anomalies.result('set', {
      attemptCount: attempts.distinct,
      acknowledgedCount: added.size,
      okCount: ok,
      lostCount: lost.length,
      recoveredCount: recovered,
      unexpectedCount: anomalies.countsOf()['unexpected-element'] ?? 0,
      finalRead: finalRead.op,
    });
  },
};

function key(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? `\u0000${JSON.stringify(v)}` : v;
}

function unkey(k: unknown): unknown {
  return typeof k === 'string' && k.startsWith('\u0000') ? JSON.parse(k.slice(1)) : k;
}
