import { clientNodeIndex } from '../../harness/client.ts';
import { EMPTY } from '../../harness/generator/basic.ts';
import { eachThread, timeLimit } from '../../harness/generator/combinators.ts';
import { DONE, emit, genOp, pending, type GenContext, type GenEvent, type Generator, type Step, type Thread } from '../../harness/generator/generator.ts';
import { FINAL_READ } from '../../checkers/conventions.ts';

type Key = string | number;

/** A node that failed this many final reads in a row is given up on (it would cost a timeout per key). */
const GIVE_UP_AFTER = 3;

/**
 * After recovery: one client per node reads every key the run touched, marked as a final read
 * (`value: "final"`), so the `converged` checker can compare what each node holds. Bounded by
 * `limitNs` in all, and a node that stops answering is given up on after a few reads.
 */
export function finalReads(keys: readonly Key[], nodeCount: number, limitNs: number): Generator {
  const sorted = [...keys].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const perThread = (t: Thread): Generator => (typeof t === 'number' && t < nodeCount && clientNodeIndex(t, nodeCount) === t ? new NodeReads(sorted, 0, 0, false) : EMPTY);
  return timeLimit(limitNs, eachThread(perThread));
}

class NodeReads implements Generator {
  constructor(
    readonly keys: readonly Key[],
    readonly at: number,
    readonly failures: number,
    readonly inFlight: boolean,
  ) {}

  op(ctx: GenContext): Step {
    if (this.at >= this.keys.length || this.failures >= GIVE_UP_AFTER) return DONE;
    if (this.inFlight) return pending(this);
    const thread = ctx.free[0];
    if (thread === undefined) return pending(this);
    return emit(genOp('invoke', { f: 'read', value: FINAL_READ, key: this.keys[this.at]! }, thread, ctx.time), new NodeReads(this.keys, this.at + 1, this.failures, true));
  }

  update(_ctx: GenContext, event: GenEvent): Generator {
    if (event.op.type === 'invoke') return this;
    return new NodeReads(this.keys, this.at, event.op.type === 'ok' ? 0 : this.failures + 1, false);
  }
}
