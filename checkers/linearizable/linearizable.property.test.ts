import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairOps, type Op } from '../../harness/history/op.ts';
import { validateHistory } from '../../harness/history/validate.ts';
import { bruteForceLinearizable } from './brute-force.ts';
import { checkLinearizableSync as checkLinearizable } from './linearizable-checker.ts';
import { casRegisterModel } from './models/cas-register.ts';
import { simulateRegister } from './simulate-register.ts';
import { interleaving } from '../../test/support/interleave.ts';

const simulation = fc.record({
  ops: fc.integer({ min: 1, max: 60 }),
  processes: fc.integer({ min: 1, max: 6 }),
  keys: fc.integer({ min: 1, max: 3 }),
  values: fc.integer({ min: 1, max: 4 }),
  crashRate: fc.constantFrom(0, 0.05, 0.2, 0.5),
  lateEffectRate: fc.constantFrom(0, 0.5, 1),
  seed: fc.integer(),
});

/** Small random edits that usually break linearizability (or not): the oracle decides. */
const mutation = fc.record({ at: fc.nat(), kind: fc.constantFrom('value', 'type', 'swap', 'drop-completion'), value: fc.nat(3) });

function mutate(history: Op[], m: { at: number; kind: string; value: number }): Op[] {
  const h = history.map((op) => ({ ...op }));
  if (h.length === 0) return h;
  const i = m.at % h.length;
  const op = h[i]!;
  // The model reads what a read returned and what a write or cas asked for.
  const asked = op.type === 'invoke' && op.f !== 'read';
  const returned = op.type === 'ok' && op.f === 'read';
  if (m.kind === 'value' && (asked || returned)) op.value = op.f === 'cas' ? [m.value, (m.value + 1) % 3] : m.value;
  if (m.kind === 'type' && op.type !== 'invoke') op.type = (['ok', 'info', 'fail'] as const)[m.value % 3]!;
  if (m.kind === 'swap' && i + 1 < h.length) {
    // Reorder two adjacent events (keeping each process's invoke before its completion).
    const next = h[i + 1]!;
    if (next.process !== op.process) [h[i], h[i + 1]] = [next, op];
  }
  if (m.kind === 'drop-completion' && op.type !== 'invoke') h.splice(i, 1);
  return h.map((o, index) => ({ ...o, index, time: index }));
}

/**
 * Up to 8 ops, each by its own process, with random f, values, outcomes (ok, info, fail, or
 * never completed) and a random interleaving of invocations and completions. Values come from
 * a small range so that reads often, but not always, match a write.
 */
const randomHistory = fc
  .array(
    fc.record({
      f: fc.constantFrom('read', 'write', 'cas'),
      value: fc.integer({ min: 0, max: 2 }),
      expected: fc.integer({ min: 0, max: 2 }),
      outcome: fc.constantFrom('ok', 'ok', 'ok', 'info', 'fail', 'pending'),
      read: fc.constantFrom(null, 0, 1, 2),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .chain((specs) => fc.tuple(fc.constant(specs), fc.shuffledSubarray([...Array(specs.length * 2).keys()], { minLength: specs.length * 2 })))
  .map(([specs, order]) => {
    const events = interleaving(order);
    const history: Op[] = [];
    for (const e of events) {
      const s = specs[e >> 1]!;
      const value = s.f === 'read' ? null : s.f === 'write' ? s.value : [s.expected, s.value];
      if ((e & 1) === 0) history.push({ index: 0, time: 0, type: 'invoke', process: e >> 1, f: s.f, value });
      else if (s.outcome !== 'pending') {
        const type = s.outcome as 'ok' | 'info' | 'fail';
        history.push({ index: 0, time: 0, type, process: e >> 1, f: s.f, value: s.f === 'read' && type === 'ok' ? s.read : value });
      }
    }
    return history.map((op, index) => ({ ...op, index, time: index }));
  });

describe('linearizable checker, property tests', () => {
  it('finds every history of a simulated linearizable register valid (concurrency, failures, crashes, late effects)', () => {
    fc.assert(
      fc.property(simulation, (sim) => {
        const history = simulateRegister(sim);
        expect(validateHistory(history)).toEqual([]);
        const r = checkLinearizable(history, { model: 'cas-register' });
        expect(r.error).toBeUndefined();
        expect(r.valid).toBe(true);
        // Vacuous exactly when no read or cas completed ok (nothing observed the register).
        const observed = pairOps(history).some(({ invoke, completion }) => completion?.type === 'ok' && invoke.f !== 'write');
        expect(r.vacuous === true).toBe(!observed);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with a brute-force check over all orders on small histories, also after random mutations', () => {
    let invalid = 0;
    let valid = 0;
    fc.assert(
      fc.property(
        simulation.map((s) => ({ ...s, ops: 1 + (s.ops % 8), keys: 1 })),
        fc.array(mutation, { maxLength: 3 }),
        (sim, mutations) => {
          let history = simulateRegister(sim);
          for (const m of mutations) history = mutate(history, m);
          if (validateHistory(history).length > 0) return; // a mutation broke the shape, not the semantics
          const expected = bruteForceLinearizable(history, casRegisterModel);
          const r = checkLinearizable(history, { model: 'cas-register' });
          expect(r.valid).toBe(expected);
          if (expected) valid++;
          else invalid++;
        },
      ),
      { numRuns: 2000 },
    );
    // The mutations must actually produce both verdicts, or the comparison proves little.
    // (About 7% come out invalid: ~130 of 2000.)
    expect(invalid).toBeGreaterThan(50);
    expect(valid).toBeGreaterThan(500);
  });

  it('agrees with a brute-force check on small random histories (any interleaving, outcome and value)', () => {
    const counts = { true: 0, false: 0 };
    fc.assert(
      fc.property(randomHistory, (history) => {
        expect(validateHistory(history)).toEqual([]);
        const r = checkLinearizable(history, { model: 'cas-register' });
        if (r.valid === 'unknown') return;
        expect(r.valid).toBe(bruteForceLinearizable(history, casRegisterModel));
        counts[String(r.valid) as 'true' | 'false']++;
      }),
      { numRuns: 3000 },
    );
    expect(counts.true).toBeGreaterThan(200);
    expect(counts.false).toBeGreaterThan(200);
  });

  // Per-key decomposition against the definition: differential.test.ts (the brute force over
  // the whole history with a map of registers, which never decomposes).

  it('decides a long single-key history with crashes (the memo keys stay small)', () => {
    const history = simulateRegister({ ops: 20_000, processes: 5, values: 5, crashRate: 0.01, seed: 99 });
    const r = checkLinearizable(history, { model: 'cas-register', maxMemoryBytes: 64 * 2 ** 20 });
    expect(r.error).toBeUndefined();
    expect(r.valid).toBe(true);
  });
});
