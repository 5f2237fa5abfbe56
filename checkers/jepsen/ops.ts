import { InputError } from '../../harness/errors.ts';
import { pairOps, type History, type Op, type OpPair } from '../../harness/history/op.ts';
import { brief } from '../../harness/abbreviate.ts';

/** Client invocation/completion pairs whose f is one of `fs`, in invocation order. */
export function clientPairs(history: History, fs: readonly string[]): OpPair[] {
  return pairOps(history).filter((p) => typeof p.invoke.process === 'number' && fs.includes(p.invoke.f));
}

/**
 * Refuses a history with a client op whose `f` this checker does not know: a history of another
 * shape (register ops under total-queue) is the user's mistake, exit 254, not a verdict made by
 * skipping the ops it does not understand. `tolerated` fs are known to belong to a sibling
 * checker of the same workload and are skipped on purpose.
 */
export function refuseForeignOps(history: History, checker: string, fs: readonly string[], tolerated: readonly string[] = []): void {
  for (const op of history) {
    if (typeof op.process !== "number" || fs.includes(op.f) || tolerated.includes(op.f)) continue;
    throw misfit(checker, op, `the ${checker} checker checks ${fs.map((f) => JSON.stringify(f)).join(", ")} operations, not ${show(op.f)}; is this a history for another checker?`);
  }
}

/** An InputError for a history that does not fit a checker (exit 254). */
export function misfit(checker: string, op: Op, what: string): InputError {
  return new InputError(`op ${op.index} (${op.type} ${op.f}) does not fit the ${checker} checker: ${what}`);
}

/** Values by JSON identity, with counts. */
export class Multiset<T = unknown> {
  private readonly m = new Map<unknown, { value: T; count: number }>();

  add(value: T, count = 1): void {
    const k = typeof value === 'object' && value !== null ? `\u0000${JSON.stringify(value)}` : value;
    const e = this.m.get(k);
    if (e) e.count += count;
    else this.m.set(k, { value, count });
  }

  count(value: T): number {
    const k = typeof value === 'object' && value !== null ? `\u0000${JSON.stringify(value)}` : value;
    return this.m.get(k)?.count ?? 0;
  }

  has(value: T): boolean {
    return this.count(value) > 0;
  }

  entries(): { value: T; count: number }[] {
    return [...this.m.values()];
  }

  get size(): number {
    let n = 0;
    for (const e of this.m.values()) n += e.count;
    return n;
  }

  get distinct(): number {
    return this.m.size;
  }
}

/** Sorts JSON values: numbers numerically, then everything else by its JSON text. */
export function sortValues<T>(values: T[]): T[] {
  return values.sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : JSON.stringify(a).localeCompare(JSON.stringify(b)),
  );
}

/** A value in anomaly text and errors: JSON, long lists, objects and strings abbreviated. */
export function show(v: unknown): string {
  return brief(v);
}
