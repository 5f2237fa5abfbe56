import { pairOps, type History } from '../../harness/history/op.ts';
import { completeModel, type Model, type ModelOp } from './model.ts';

/**
 * The definition of linearizability, checked by trying every order: some order of all
 * completed ops plus any subset of crashed ones, respecting real time (an op that completed
 * before another was invoked comes first), is legal for the model. Exponential: an oracle for
 * tests on a handful of ops, nothing more. One model over the whole history: it never decomposes
 * per key (ops carry their key, for a model of many objects).
 */
export function bruteForceLinearizable<S>(history: History, modelDef: Model<S>): boolean {
  const model = completeModel(modelDef);
  interface Call {
    invoke: number;
    complete: number;
    op: ModelOp;
  }
  const calls: Call[] = [];
  for (const { invoke, completion } of pairOps(history)) {
    if (invoke.process === 'nemesis' || completion?.type === 'fail') continue;
    const crashed = completion === undefined || completion.type === 'info';
    const op: ModelOp = { f: invoke.f, value: invoke.value, output: crashed ? undefined : completion.value, crashed };
    if (invoke.key !== undefined) op.key = invoke.key;
    calls.push({ invoke: invoke.index, complete: crashed ? Infinity : completion.index, op });
  }
  const placed = calls.map(() => false);
  const search = (state: S): boolean => {
    if (calls.every((c, i) => placed[i] || c.op.crashed)) return true;
    for (let i = 0; i < calls.length; i++) {
      if (placed[i]) continue;
      const c = calls[i]!;
      // Some unplaced op completed before this one was invoked: it must come first.
      if (calls.some((d, j) => !placed[j] && d.complete < c.invoke)) continue;
      const next = model.step(state, c.op);
      if (next === undefined) continue;
      placed[i] = true;
      const found = search(next);
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };
  return search(model.init());
}
