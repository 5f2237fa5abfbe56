import type { EdgeKind } from '../explanations.ts';
import { Rel, type DepGraphBuilder } from './graph.ts';
import type { StepWhy } from './explain.ts';
import { grownInt32, int32s, uint8s } from './typed-arrays.ts';
import { FAIL, OK, type Txns } from './txns.ts';

/**
 * Process order: each process's ok transactions in sequence, and from its last ok transaction
 * to a later info one. An info transaction may take effect at any later time, so nothing is
 * ordered after it; failed ones took no effect and are skipped.
 */
export function linkProcessOrder(txns: Txns, builder: DepGraphBuilder): void {
  const lastOk = new Map<number, number>();
  for (let t = 0; t < txns.count; t++) {
    const type = txns.type[t];
    if (type === FAIL) continue;
    const p = txns.process[t]!;
    const prev = lastOk.get(p);
    if (prev !== undefined) builder.link(prev, t, Rel.process);
    if (type === OK) lastOk.set(p, t);
  }
}

/**
 * Realtime order as a transitive reduction (Elle's realtime-graph): each invocation is linked
 * from the "frontier", the ok transactions completed so far that no later-completed transaction
 * already follows. When a transaction completes, it replaces the frontier members it followed.
 * Frontier members overlap in time, so the frontier stays about as small as the concurrency.
 */
export function linkRealtimeOrder(txns: Txns, builder: DepGraphBuilder): void {
  const { history, txnOfOp, type, invoke } = txns;
  const inFrontier = uint8s(txns.count);
  let frontier: Int32Array = new Int32Array(64);
  let size = 0;
  // The frontier as each in-flight ok transaction saw it at its invocation, in one growing pool.
  let pool: Int32Array = new Int32Array(1024);
  let poolEnd = 0;
  const seenFrom = int32s(txns.count);
  const seenCount = int32s(txns.count);
  for (let i = 0; i < history.length; i++) {
    const t = txnOfOp[i]!;
    if (t < 0 || type[t] === FAIL) continue;
    if (invoke[t] === i) {
      for (let j = 0; j < size; j++) builder.link(frontier[j]!, t, Rel.realtime);
      if (type[t] !== OK) continue;
      if (poolEnd + size > pool.length) pool = grownInt32(pool, poolEnd + size);
      for (let j = 0; j < size; j++) pool[poolEnd + j] = frontier[j]!;
      seenFrom[t] = poolEnd;
      seenCount[t] = size;
      poolEnd += size;
    } else if (type[t] === OK) {
      for (let j = seenFrom[t]!, end = j + seenCount[t]!; j < end; j++) inFrontier[pool[j]!] = 0;
      let kept = 0;
      for (let j = 0; j < size; j++) if (inFrontier[frontier[j]!]) frontier[kept++] = frontier[j]!;
      size = kept;
      if (size === frontier.length) frontier = grownInt32(frontier, size + 1);
      frontier[size++] = t;
      inFrontier[t] = 1;
    }
  }
}

/** Why `a` precedes `b` in process or realtime order. */
export function explainOrder(txns: Txns, a: number, b: number, kind: EdgeKind): StepWhy | undefined {
  const { history } = txns;
  if (kind === 'process') {
    if (txns.process[a] !== txns.process[b] || txns.type[a] !== OK || a >= b) return undefined;
    const p = txns.process[a]!;
    return { render: (x, y) => `process ${p} executed ${x} before ${y}` };
  }
  if (kind === 'realtime') {
    const end = txns.complete[a]!;
    const start = txns.invoke[b]!;
    if (txns.type[a] !== OK || end < 0 || end > start) return undefined;
    const dt = history[start]!.time - history[end]!.time;
    const gap = dt > 0 ? `${(dt / 1e9).toFixed(3)} seconds` : 'just';
    return { render: (x, y) => `${x} completed at index ${end}, ${gap} before the invocation of ${y}, at index ${start}` };
  }
  return undefined;
}
