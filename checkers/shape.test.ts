import { describe, expect, it } from 'vitest';
import { InputError } from '../harness/errors.ts';
import { HistoryBuilder } from '../test/support/history-builder.ts';
import { checkSafe } from './check-safe.ts';
import { checkerNames, getChecker } from './registry.ts';

/** A short history of one shape: each op invoked and completed ok with the given values. */
function history(ops: [f: string, value: unknown, output?: unknown][]) {
  const b = new HistoryBuilder();
  ops.forEach(([f, value, output], i) => {
    b.invoke(i % 3, f, value);
    b.complete(i % 3, 'ok', output === undefined ? value : output);
  });
  return b.ops;
}

const register = history([['write', 1], ['read', null, 1], ['cas', [1, 2]]]);
const queue = history([['enqueue', 1], ['dequeue', null, 1]]);
const txns = history([['txn', [['append', 'x', 1], ['r', 'x', null]], [['append', 'x', 1], ['r', 'x', [1]]]]]);

/** Checkers that judge any history (its shape, its counts, its final reads) refuse nothing. */
const SHAPELESS = new Set(['stats', 'well-formed', 'converged']);

describe('a history of the wrong shape for the checker is refused (exit 254), never given a verdict', () => {
  it.each(checkerNames().filter((n) => !SHAPELESS.has(n)))('%s refuses register, queue or transaction ops it does not check', async (name) => {
    let refused = 0;
    for (const h of [register, queue, txns]) {
      const r = await checkSafe(getChecker(name)!, h, {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (r === undefined) continue; // the checker's own shape
      expect(r).toBeInstanceOf(InputError);
      // Says which op, and what was expected instead.
      expect((r as Error).message).toMatch(/^op \d+ /);
      expect((r as Error).message).toMatch(/expected|checks|not a list|does not fit/);
      refused++;
    }
    expect(refused).toBeGreaterThanOrEqual(2);
  });

  it('register ops under total-queue: the shape error names the op and the ops total-queue checks', async () => {
    await expect(checkSafe(getChecker('total-queue')!, register, {})).rejects.toThrow(
      'op 0 (invoke write) does not fit the total-queue checker: the total-queue checker checks "enqueue", "dequeue", "drain" operations, not "write"; is this a history for another checker?',
    );
  });

  it('queue ops under linearizable with the default model: a shape error, not unknown', async () => {
    await expect(checkSafe(getChecker('linearizable')!, queue, {})).rejects.toThrow(/^op 0 has f="enqueue", which the cas-register model does not know; expected one of read, write, cas/);
    // With the right model the same history is checked.
    expect((await checkSafe(getChecker('linearizable')!, queue, { model: 'fifo-queue' })).valid).toBe(true);
  });
});

describe('an option the checker ignores is reported as a warning, not silently dropped', () => {
  it('--model under bank, --consistency-model under linearizable', async () => {
    const bank = await checkSafe(getChecker('counter')!, history([['add', 1], ['read', null, 1]]), { model: 'cas-register' });
    expect(bank.valid).toBe(true);
    expect(bank.warnings).toEqual(['model "cas-register" was ignored: the counter checker does not use it (linearizable does)']);
    const lin = await checkSafe(getChecker('linearizable')!, register, { consistencyModel: 'serializable', model: 'cas-register' });
    expect(lin.warnings).toEqual(['consistencyModel "serializable" was ignored: the linearizable checker does not use it (list-append, lost-update, on-call, rw-register, session do)']);
  });

  it('an option the checker uses, or the general ones, raise no warning', async () => {
    const r = await checkSafe(getChecker('list-append')!, txns, { consistencyModel: 'serializable', timeLimitMs: 1000, signal: new AbortController().signal });
    expect(r.warnings).toBeUndefined();
  });

  it('every checker declares the options it reads, and only options someone reads are suggested', () => {
    for (const name of checkerNames()) expect(Array.isArray(getChecker(name)!.options)).toBe(true);
  });
});
