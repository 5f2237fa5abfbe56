import { pairOps, type History, type Process } from '../../harness/history/op.ts';
import type { CompleteModel, ModelOp } from './model.ts';

/** One client operation as the search sees it. */
export interface LinOp {
  /** History index of the invocation (positions double as real time: the history is ordered). */
  invoke: number;
  /** History index of the completion; -1 when the op crashed (info, or never completed). */
  complete: number;
  process: Process;
  op: ModelOp;
}

/** The ops on one independent key (or the whole history), in invocation order. */
export interface Partition {
  key: string | number | undefined;
  ops: LinOp[];
}

export interface SplitHistory {
  partitions: Partition[];
  /** Client ops seen (invocations), before dropping failed ones. */
  opCount: number;
  /** An op the model does not understand, if any. */
  unknownOp?: { index: number; f: string };
}

/**
 * Pairs invocations with completions and splits them per key (P-compositionality: a history
 * is linearizable iff each key's sub-history is). `fail` ops are dropped (they certainly did
 * not happen), and so are crashed ops the model says cannot change the state (reads).
 */
export function splitHistory(history: History, model: CompleteModel<unknown>, byKey: boolean): SplitHistory {
  const known = new Set(model.fs);
  const byKeyOps = new Map<string | number | undefined, LinOp[]>();
  let opCount = 0;
  for (const { invoke, completion } of pairOps(history)) {
    if (invoke.process === 'nemesis') continue;
    opCount++;
    if (!known.has(invoke.f)) return { partitions: [], opCount, unknownOp: { index: invoke.index, f: invoke.f } };
    if (completion?.type === 'fail') continue;
    const crashed = completion === undefined || completion.type === 'info';
    const op: ModelOp = { f: invoke.f, value: invoke.value, output: crashed ? undefined : completion.value, crashed };
    const key = invoke.key ?? completion?.key;
    if (key !== undefined) op.key = key;
    if (crashed && model.readOnly(op)) continue;
    const part = byKey ? key : undefined;
    let ops = byKeyOps.get(part);
    if (!ops) byKeyOps.set(part, (ops = []));
    ops.push({ invoke: invoke.index, complete: crashed ? -1 : completion.index, process: invoke.process, op });
  }
  const partitions = [...byKeyOps].map(([key, ops]) => ({ key, ops }));
  partitions.sort((a, b) => compareKeys(a.key, b.key));
  return { partitions, opCount };
}

function compareKeys(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}
