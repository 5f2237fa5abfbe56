import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../errors.ts';
import { isMicroOpList, type Op } from '../history/op.ts';
import type { LineIndex } from '../history/line-index.ts';

/**
 * Gives a process to every op of a history whose file named none (Elle's paper example,
 * elle-cli's long-fork and comment histories).
 *
 * Jepsen has no convention for this: knossos.history and jepsen.history pair a completion with
 * the open invocation of the same `:process`, so a missing process is one process (`nil`) that
 * may not have two ops in flight ("Process nil is still executing …"), and jepsen.history's
 * `client-op?` even drops such ops from client checks. Here instead each completion is paired
 * with the open invocation it can complete: the same `f` and key and, when several are open,
 * values that agree (a write's value, a transaction's micro-ops with reads left open). Each
 * pair then gets a process of its own, so no session order is invented between them.
 * A completion that fits no open invocation, or fits several that its values cannot tell
 * apart, is refused with the lines concerned: a guess there could change a verdict.
 */
export function pairWithoutProcesses(ops: Op[], lines: LineIndex, file: string): void {
  const open = new Map<string, Op[]>();
  let next = 0;
  for (const op of ops) {
    const slot = `${op.f}\u0000${op.key === undefined ? '' : typeof op.key === 'number' ? `n${op.key}` : `s${op.key}`}`;
    if (op.type === 'invoke') {
      op.process = next++;
      const list = open.get(slot);
      if (list) list.push(op);
      else open.set(slot, [op]);
      continue;
    }
    const candidates = open.get(slot) ?? [];
    let fits = candidates;
    if (fits.length > 1) fits = fits.filter((inv) => valuesAgree(inv.value, op.value));
    if (fits.length === 0) {
      const what = candidates.length === 0 ? `no invocation of ${op.f} is open` : `its value agrees with none of the open invocations of ${op.f} (lines ${candidates.map((c) => lines.at(c.index)).join(', ')})`;
      throw new InputError(`no op in this file names a :process, so a completion is paired with the open invocation it completes; this ${op.type} fits none: ${what}`, file, lines.at(op.index));
    }
    if (fits.length > 1) {
      throw new InputError(
        `no op in this file names a :process, and this ${op.type} of ${op.f} could complete the invocations on lines ${fits.map((c) => lines.at(c.index)).join(' and ')} alike; give ops a :process so they pair without guessing`,
        file,
        lines.at(op.index),
      );
    }
    const inv = fits[0]!;
    op.process = inv.process;
    candidates.splice(candidates.indexOf(inv), 1);
  }
}

/** Could `completed` be the result of the invocation `invoked`? */
function valuesAgree(invoked: unknown, completed: unknown): boolean {
  if (invoked === null || invoked === undefined) return true;
  if (isMicroOpList(invoked) && isMicroOpList(completed)) {
    if (invoked.length !== completed.length) return false;
    return invoked.every((m, j) => {
      const c = completed[j]!;
      return m[0] === c[0] && m[1] === c[1] && (m[0] === 'r' || isDeepStrictEqual(m[2], c[2]));
    });
  }
  return isDeepStrictEqual(invoked, completed);
}
