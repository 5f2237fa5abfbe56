import type { History, Op } from '../history/op.ts';
import { faultTransition } from './vocabulary.ts';

/** A stretch of the test during which one kind of fault was in force. Times are history ns. */
export interface FaultWindow {
  /** `partition`, `kill`, `pause`, `clock`, `packet`… */
  fault: string;
  start: number;
  end: number;
  /** True when the history ended before the fault was healed. */
  unhealed: boolean;
  /** History index of the op that started the fault. */
  startOp: number;
  /** What the nemesis said it did (targets, partition shape…), as recorded. */
  value: unknown;
}

/**
 * The fault windows of a history, from its nemesis ops, in start order. A window opens when the
 * nemesis is asked to start a fault (the invocation: the fault may act from then on) and closes
 * when the heal completes, so it covers the whole uncertain transition. A start that failed opens
 * nothing; a fault still in force at the end (or whose heal never completed) runs to the last op.
 */
export function faultWindows(history: History): FaultWindow[] {
  const windows: FaultWindow[] = [];
  const open = new Map<string, FaultWindow>();
  const end = history.length === 0 ? 0 : history[history.length - 1]!.time;
  const apply = (invoke: Op, completion: Op | undefined) => {
    if (completion?.type === 'fail') return;
    const t = faultTransition(invoke.f);
    if (!t) return;
    if (t.kind === 'start') {
      if (open.has(t.fault)) return;
      const value = completion?.value ?? invoke.value;
      const w: FaultWindow = { fault: t.fault, start: invoke.time, end, unhealed: true, startOp: invoke.index, value };
      open.set(t.fault, w);
      windows.push(w);
      return;
    }
    // A heal that never completed may not have happened: the fault stays in force.
    if (!completion) return;
    for (const w of t.kind === 'stop' ? [open.get(t.fault)] : [...open.values()]) {
      if (!w) continue;
      w.end = Math.max(w.start, completion.time);
      w.unhealed = false;
      open.delete(w.fault);
    }
  };
  // The nemesis is one thread: its ops pair up in order, whatever their types (Jepsen records
  // both halves as `info`).
  let pending: Op | undefined;
  for (const op of history) {
    if (op.process !== 'nemesis') continue;
    if (pending === undefined) pending = op;
    else {
      apply(pending, op);
      pending = undefined;
    }
  }
  if (pending) apply(pending, undefined);
  return windows;
}
