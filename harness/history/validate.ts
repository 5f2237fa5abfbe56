import type { History, Op, Process } from './op.ts';

export interface HistoryProblem {
  /** Position of the op in the history (its index, when indices are sound). */
  index: number;
  message: string;
}

export interface ValidateOptions {
  /** Report at most this many problems. */
  maxProblems?: number;
  /**
   * Times must never go backwards. Faultline's own runs take time from one monotonic clock, so
   * a step back there is a harness bug; imported histories keep time as data (older Jepsen
   * tests took it on different threads) and leave this off: position is the order.
   */
  monotoneTime?: boolean;
}

/**
 * Structural checks every history must pass before a checker trusts it: dense indices from 0,
 * every completion preceded by its process's invoke, with the same f and key, each invoke
 * completed at most once, no process with two ops in flight, and (optionally) times that never
 * go backwards. Returns every problem found (empty when well-formed), so a broken workload is
 * told all it did wrong at once.
 */
export function validateHistory(history: History, { maxProblems = 20, monotoneTime = true }: ValidateOptions = {}): HistoryProblem[] {
  const problems: HistoryProblem[] = [];
  const inFlight = new Map<Process, Op>();
  let lastTime = -Infinity;
  // No closure per op: this runs over millions of ops.
  const add = (index: number, message: string) => problems.push({ index, message });
  for (let i = 0; i < history.length && problems.length < maxProblems; i++) {
    const op = history[i]!;
    if (op.index !== i) add(i, `index ${op.index} at position ${i}: indices must be dense from 0`);
    if (monotoneTime && op.time < lastTime) add(i, `time ${op.time} is before the previous op's ${lastTime}`);
    if (op.time > lastTime) lastTime = op.time;
    const open = inFlight.get(op.process);
    // Jepsen records nemesis ops as an info "invoke" followed by an info completion.
    const opens = op.type === 'invoke' || (op.process === 'nemesis' && !open);
    if (opens) {
      if (open) add(i, `process ${op.process} invoked ${op.f} while op ${open.index} (${open.f}) is still in flight`);
      inFlight.set(op.process, op);
    } else if (!open) {
      add(i, `${op.type} for process ${op.process} without an open invoke`);
    } else {
      if (open.f !== op.f) add(i, `process ${op.process} completed f=${op.f} but invoked f=${open.f} (op ${open.index})`);
      else if (open.key !== op.key) add(i, `process ${op.process} completed key ${JSON.stringify(op.key)} but invoked key ${JSON.stringify(open.key)} (op ${open.index})`);
      inFlight.delete(op.process);
    }
  }
  return problems;
}
