import { vacuity } from '../vacuous.ts';
import type { History, MicroOp, Op } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import { unknown, type CheckResult } from '../../harness/result.ts';
import { clientPairs, misfit, show, refuseForeignOps } from './ops.ts';

/**
 * Jepsen's long-fork (the anomaly parallel snapshot isolation allows and snapshot isolation
 * forbids): write transactions each write one fresh key once, `[["w", k, v]]`; read transactions
 * read a group of keys, `[["r", k1, v1], ["r", k2, v2], …]`. Reads of the same keys must be
 * totally ordered by which writes they saw. Two reads where each saw a write the other did not
 * are a `long-fork`. Reads are sorted by how many writes they saw and each compared with the
 * next, which finds a fork whenever one exists (Jepsen compares every pair).
 */
export const longForkChecker: Checker = {
  name: 'long-fork',
  options: ['groupSize'],
  description: 'Jepsen long-fork: reads of the same keys must agree on the order of writes (--group-size)',
  meanings: { 'long-fork': 'long fork: two reads saw writes to different keys in orders that contradict each other (no single order of writes explains both)' },
  check(history: History, options: CheckOptions): CheckResult {
    const groupSize = options.groupSize === undefined || options.groupSize === 0 ? undefined : Number(options.groupSize);
    const written = new Map<string | number, number>();
    const groups = new Map<string, { op: Op; values: Map<string | number, unknown>; seen: number }[]>();
    refuseForeignOps(history, 'long-fork', ['txn', 'read', 'write']);
    for (const p of clientPairs(history, ['txn', 'read', 'write'])) {
      const value = (p.completion?.type === 'ok' ? p.completion : p.invoke).value;
      if (!Array.isArray(value) || value.some((m) => !Array.isArray(m) || m.length !== 3 || (m[0] !== 'r' && m[0] !== 'w'))) {
        throw misfit('long-fork', p.invoke, `value ${show(value)} is not a list of ["r"|"w", key, value] micro-ops`);
      }
      const mops = value as MicroOp[];
      if (mops.length === 1 && mops[0]![0] === 'w') {
        const k = mops[0]![1];
        if (written.has(k)) {
          return unknown('long-fork', `key ${show(k)} is written by both op ${written.get(k)} and op ${p.invoke.index}; long-fork needs each key written once`);
        }
        written.set(k, p.invoke.index);
        continue;
      }
      if (!mops.every((m) => m[0] === 'r')) throw misfit('long-fork', p.invoke, 'a transaction must be one write or only reads');
      if (p.completion?.type !== 'ok') continue;
      const values = new Map<string | number, unknown>(mops.map((m) => [m[1], m[2]]));
      if (groupSize !== undefined && values.size !== groupSize) {
        return unknown('long-fork', `op ${p.completion.index} read ${values.size} keys, but --group-size is ${groupSize}`);
      }
      const group = JSON.stringify([...values.keys()].sort());
      let list = groups.get(group);
      if (!list) groups.set(group, (list = []));
      list.push({ op: p.completion, values, seen: [...values.values()].filter((v) => v !== null).length });
    }
    const anomalies = new AnomalyList();
    let reads = 0;
    for (const list of groups.values()) {
      reads += list.length;
      list.sort((a, b) => a.seen - b.seen || a.op.index - b.op.index);
      for (let i = 0; i + 1 < list.length; i++) {
        const a = list[i]!;
        const b = list[i + 1]!;
        const order = compare(a.values, b.values);
        if (order === 'conflict') return unknown('long-fork', `ops ${a.op.index} and ${b.op.index} read different non-null values for the same key; long-fork needs each key written once`);
        if (order !== 'incomparable') continue;
        const aOnly = [...a.values].filter(([k, v]) => v !== null && b.values.get(k) === null).map(([k]) => k);
        const bOnly = [...b.values].filter(([k, v]) => v !== null && a.values.get(k) === null).map(([k]) => k);
        anomalies.add({
          type: 'long-fork',
          ops: [a.op.index, b.op.index],
          explanation: { reads: [{ op: a.op.index, values: Object.fromEntries(a.values) }, { op: b.op.index, values: Object.fromEntries(b.values) }] },
          text:
            `op ${a.op.index} saw the write of ${aOnly.join(', ')} but not of ${bOnly.join(', ')}, ` +
            `while op ${b.op.index} saw the reverse: they disagree on the order of those writes (long fork)`,
        });
      }
    }
    return {
      checker: 'long-fork',
      valid: anomalies.types().length === 0,
      anomalyTypes: anomalies.types(),
      anomalies: anomalies.list(),
      ...(reads === 0 ? vacuity('no read transaction completed ok, so no two reads could disagree') : {}),
      details: { readCount: reads, groups: groups.size, writeCount: written.size },
    };
  },
};

/** Which read saw more writes: 'a', 'b', 'equal', 'incomparable', or 'conflict' (two different values). */
function compare(a: Map<string | number, unknown>, b: Map<string | number, unknown>): 'a' | 'b' | 'equal' | 'incomparable' | 'conflict' {
  let result: 'a' | 'b' | 'equal' = 'equal';
  for (const [k, va] of a) {
    const vb = b.get(k) ?? null;
    if (JSON.stringify(va) === JSON.stringify(vb)) continue;
    if (va !== null && vb !== null) return 'conflict';
    const bigger = va !== null ? 'a' : 'b';
    if (result !== 'equal' && result !== bigger) return 'incomparable';
    result = bigger;
  }
  return result;
}
