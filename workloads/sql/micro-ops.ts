import type { MicroOp } from '../../harness/history/op.ts';

/**
 * An invocation's value as micro-ops, checked: a generator bug must not turn into a transaction
 * that silently does something else.
 */
export function microOps(value: unknown, fs: readonly string[]): MicroOp[] {
  if (!Array.isArray(value)) throw new Error(`expected a list of micro-ops, got ${JSON.stringify(value)}`);
  for (const mop of value) {
    if (!Array.isArray(mop) || mop.length !== 3 || !fs.includes(mop[0]) || (typeof mop[1] !== 'number' && typeof mop[1] !== 'string')) {
      throw new Error(`micro-op ${JSON.stringify(mop)} is not one of [${fs.map((f) => `"${f}"`).join(', ')}, key, value]`);
    }
  }
  return value as MicroOp[];
}
