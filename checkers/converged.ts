import type { History, Op } from '../harness/history/op.ts';
import type { Checker } from './checker.ts';
import { FINAL_READ } from './conventions.ts';
import { unknown, type Anomaly, type CheckResult } from '../harness/result.ts';
import { vacuousResult } from './vacuous.ts';


interface FinalRead {
  key: string | number;
  node: string;
  invoke: Op;
  completion?: Op;
}

/**
 * After every fault is healed and the recovery window has passed, every node must hold the same
 * value for every key: final reads (read invokes whose value is `"final"`) of a key from
 * different nodes that disagree mean a node never caught up — an anomaly (`diverged`). A node that
 * answered no final read of a key leaves it unverified (`unknown`), never a pass.
 */
export const convergedChecker: Checker = {
  name: 'converged',
  options: [],
  description: 'after recovery, final reads of each key from every node return the same value',
  meanings: { diverged: 'after recovery, nodes still disagree on a key’s value: a node never caught up (or kept a write the others lost)' },
  check(history: History): CheckResult {
    const reads = finalReads(history);
    const base = { checker: 'converged' } as const;
    if (reads.length === 0) {
      return vacuousResult('converged', 'unknown', 'the history has no final reads (the run ended before them, or the workload makes none)');
    }
    const byKey = new Map<string | number, FinalRead[]>();
    for (const r of reads) {
      const list = byKey.get(r.key);
      if (list) list.push(r);
      else byKey.set(r.key, [r]);
    }
    const anomalies: Anomaly[] = [];
    const unanswered: { key: string | number; nodes: string[] }[] = [];
    for (const [key, list] of byKey) {
      const ok = list.filter((r) => r.completion?.type === 'ok');
      const okNodes = new Set(ok.map((r) => r.node));
      const silent = [...new Set(list.map((r) => r.node))].filter((n) => !okNodes.has(n));
      if (silent.length > 0) unanswered.push({ key, nodes: silent.sort() });
      const groups = new Map<string, FinalRead[]>();
      for (const r of ok) {
        const v = JSON.stringify(r.completion!.value ?? null);
        const g = groups.get(v);
        if (g) g.push(r);
        else groups.set(v, [r]);
      }
      if (groups.size <= 1) continue;
      const parts = [...groups].sort((a, b) => b[1].length - a[1].length).map(([v, g]) => `${[...new Set(g.map((r) => r.node))].sort().join(', ')} read ${v === 'null' ? 'nil' : v}`);
      anomalies.push({
        type: 'diverged',
        key,
        ops: ok.map((r) => r.completion!.index),
        explanation: { type: 'diverged', key, values: Object.fromEntries([...groups].map(([v, g]) => [v, g.map((r) => r.node)])) },
        text: `key ${key}: after recovery the nodes disagree: ${parts.join('; ')}`,
      });
    }
    const details = { finalReads: reads.length, keys: byKey.size, nodes: [...new Set(reads.map((r) => r.node))].sort(), unanswered };
    if (anomalies.length > 0) return { ...base, valid: false, anomalyTypes: ['diverged'], anomalies, details };
    if (unanswered.length > 0) {
      const nodes = [...new Set(unanswered.flatMap((u) => u.nodes))].sort();
      return unknown('converged', `${nodes.join(', ')} answered no final read of ${unanswered.length} of ${byKey.size} keys, so convergence is unverified there`, { details });
    }
    return { ...base, valid: true, anomalyTypes: [], anomalies, details };
  },
};

/** Final-read invokes with their completions (a process has one op in flight, so they pair in order). */
function finalReads(history: History): FinalRead[] {
  const open = new Map<Op['process'], FinalRead>();
  const out: FinalRead[] = [];
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') {
      open.delete(op.process);
      if (op.f === 'read' && op.value === FINAL_READ && op.key !== undefined) {
        const r: FinalRead = { key: op.key, node: op.node ?? `process ${op.process}`, invoke: op };
        open.set(op.process, r);
        out.push(r);
      }
      continue;
    }
    const r = open.get(op.process);
    if (r) {
      r.completion = op;
      open.delete(op.process);
    }
  }
  return out;
}
