import { canonicalJson, type ModelOp } from './model.ts';

/**
 * Twins are ops the model cannot tell apart: same f, value, output, key and outcome, so every
 * model steps them alike. A dense register history with few values is full of them (50 clients
 * writing 5 values keep ~10 twin writes in flight at once), and a search that tries each of a
 * set of k pending twins in turn explores up to 2^k linearized sets that differ only in which
 * twins went first.
 *
 * Symmetry reduction: among twins that are candidates at once, only the one that must finish
 * first is tried. Exchange argument: take any linearization from here that places twin b next
 * while an unlinearized twin a with an earlier return deadline is also a candidate; a sits at a
 * later position j. Swap them. a now is legal (it is a candidate: invoked before any pending op
 * returned, so before every op still to come returned); b at j is legal because b returns no
 * earlier than a, which sat at j legally; the ops in between keep their order and see the same
 * model states because a and b step alike. So a linearization exists from here iff one exists
 * that always takes the earliest-returning twin. Crashed twins have no deadline (and may never
 * take effect): there the earliest-invoked one goes first, by the same swap.
 *
 * Returns, per internal op id, the previous twin in that order (-1 for none): by return entry
 * for completed ops (ids below `completed`), by call entry for crashed ones.
 */
export function previousTwins(ops: readonly ModelOp[], completed: number, callEntry: Int32Array, retEntry: Int32Array): Int32Array {
  const prev = new Int32Array(ops.length).fill(-1);
  const link = (ids: number[], at: (id: number) => number) => {
    ids.sort((a, b) => at(a) - at(b));
    const last = new Map<string, number>();
    for (const id of ids) {
      const op = ops[id]!;
      const k = canonicalJson([op.f, op.value, op.output, op.key]);
      const before = last.get(k);
      if (before !== undefined) prev[id] = before;
      last.set(k, id);
    }
  };
  link(range(0, completed), (id) => retEntry[id]!);
  link(range(completed, ops.length), (id) => callEntry[id]!);
  return prev;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
