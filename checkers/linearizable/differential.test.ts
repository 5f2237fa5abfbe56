import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { bruteForceLinearizable } from './brute-force.ts';
import { FrontierSearch } from './frontier-search.ts';
import { checkLinearizableSync } from './linearizable-checker.ts';
import { completeModel, type Model, type ModelOp } from './model.ts';
import { casRegisterModel } from './models/cas-register.ts';
import { splitHistory } from './partition.ts';
import { findTwins, prepareOps } from './prepared-ops.ts';
import { LinearizationSearch } from './search.ts';
import { interleaving } from '../../test/support/interleave.ts';

/**
 * Differential tests: every search engine and reduction of the linearizability checker against
 * the definition (brute-force.ts: every order of every subset of crashed ops), on small histories
 * enumerated exhaustively and on random dense ones. The engines are run one by one — depth first
 * with Lowe's memo, the same with twin symmetry reduction, and the level-by-level search (which
 * the checker only joins after 2M steps, so small histories would never reach it) — as well as
 * the whole checker, per key and not.
 */

const model = completeModel(casRegisterModel);

type Engine = 'dfs' | 'dfs+twins' | 'frontier' | 'checker' | 'checker, whole history';

/** Each engine's verdict on a single-object history. */
function verdicts(history: Op[]): Record<Engine, boolean> {
  const part = splitHistory(history, model, false).partitions[0];
  const run = (engine: 'dfs' | 'dfs+twins' | 'frontier'): boolean => {
    if (!part) return true;
    const p = prepareOps(part.ops, model);
    if (engine !== 'dfs') findTwins(p);
    const search = engine === 'frontier' ? new FrontierSearch(p, model, 2 ** 26) : new LinearizationSearch(p, model, 2 ** 26);
    const r = search.run(1e9);
    if (r?.kind !== 'linearizable' && r?.kind !== 'nonlinearizable') throw new Error(`${engine} did not decide: ${JSON.stringify(r)}`);
    return r.kind === 'linearizable';
  };
  const checker = (perKey: boolean) => {
    const r = checkLinearizableSync(history, { model: 'cas-register', perKey });
    if (r.valid === 'unknown') throw new Error(`the checker did not decide: ${r.error}`);
    return r.valid;
  };
  return { dfs: run('dfs'), 'dfs+twins': run('dfs+twins'), frontier: run('frontier'), checker: checker(true), 'checker, whole history': checker(false) };
}

/** The op kinds of the exhaustive enumeration: what each op asked, what it returned, and how it ended. */
const KINDS: { f: string; value: unknown; output: unknown; type: 'ok' | 'info' }[] = [
  { f: 'write', value: 1, output: 1, type: 'ok' },
  { f: 'write', value: 2, output: 2, type: 'ok' },
  { f: 'write', value: 1, output: 1, type: 'info' },
  { f: 'cas', value: [1, 2], output: [1, 2], type: 'ok' },
  { f: 'cas', value: [2, 1], output: [2, 1], type: 'info' },
  { f: 'read', value: null, output: null, type: 'ok' },
  { f: 'read', value: null, output: 1, type: 'ok' },
  { f: 'read', value: null, output: 2, type: 'ok' },
];

/** Every order of invocations and completions of `n` ops (each op's invocation first). */
function interleavings(n: number): number[][] {
  const out: number[][] = [];
  const seq: number[] = [];
  const started = new Array<boolean>(n).fill(false);
  const done = new Array<boolean>(n).fill(false);
  const go = () => {
    if (seq.length === 2 * n) return void out.push([...seq]);
    for (let i = 0; i < n; i++) {
      if (!started[i]) {
        started[i] = true;
        seq.push(2 * i);
        go();
        seq.pop();
        started[i] = false;
      } else if (!done[i]) {
        done[i] = true;
        seq.push(2 * i + 1);
        go();
        seq.pop();
        done[i] = false;
      }
    }
  };
  go();
  return out;
}

function build(kinds: (typeof KINDS)[number][], order: number[]): Op[] {
  return order.map((e, index) => {
    const k = kinds[e >> 1]!;
    const process = e >> 1;
    if ((e & 1) === 0) return { index, time: index, type: 'invoke', process, f: k.f, value: k.value };
    return { index, time: index, type: k.type, process, f: k.f, value: k.output };
  });
}

describe('linearizability: every engine agrees with the definition', () => {
  it('on every history of up to 3 ops of 8 kinds in every interleaving (exhaustive: 8 + 384 + 46,080 histories)', () => {
    const counts = { true: 0, false: 0 };
    for (let n = 1; n <= 3; n++) {
      const orders = interleavings(n);
      const combos = KINDS.length ** n;
      for (let c = 0; c < combos; c++) {
        const kinds = Array.from({ length: n }, (_, i) => KINDS[Math.floor(c / KINDS.length ** i) % KINDS.length]!);
        for (const order of orders) {
          const history = build(kinds, order);
          const expected = bruteForceLinearizable(history, casRegisterModel);
          const got = verdicts(history);
          for (const [engine, v] of Object.entries(got)) {
            if (v !== expected) throw new Error(`${engine} says ${v}, the definition ${expected}: ${JSON.stringify(history)}`);
          }
          counts[String(expected) as 'true' | 'false']++;
        }
      }
    }
    expect(counts.true + counts.false).toBe(8 * 1 + 64 * 6 + 512 * 90);
    // Both verdicts are common, so agreement is not agreement on a constant.
    expect(counts.false).toBeGreaterThan(10_000);
    expect(counts.true).toBeGreaterThan(10_000);
  });

  /**
   * Dense histories: up to 8 ops, two values, so twins (equal ops pending together) and
   * dominated reads are everywhere — where the reductions act.
   */
  const dense = fc
    .array(fc.record({ kind: fc.nat(KINDS.length - 1), pending: fc.boolean() }), { minLength: 4, maxLength: 8 })
    .chain((ops) => fc.tuple(fc.constant(ops), fc.shuffledSubarray([...Array(ops.length * 2).keys()], { minLength: ops.length * 2 })))
    .map(([ops, shuffled]) => {
      // A random interleaving; some ops never complete (pending), the rest overlap at random,
      // so real-time order still binds.
      const order = interleaving(shuffled).filter((e) => (e & 1) === 0 || !(ops[e >> 1]!.pending && KINDS[ops[e >> 1]!.kind]!.type === 'info'));
      return build(ops.map((o) => KINDS[o.kind]!), order);
    });

  it('on random dense histories (many ops in flight, few values, pending ops)', () => {
    const counts = { true: 0, false: 0 };
    fc.assert(
      fc.property(dense, (history) => {
        const expected = bruteForceLinearizable(history, casRegisterModel);
        expect(verdicts(history)).toEqual({ dfs: expected, 'dfs+twins': expected, frontier: expected, checker: expected, 'checker, whole history': expected });
        counts[String(expected) as 'true' | 'false']++;
      }),
      { numRuns: 3000, seed: 14 },
    );
    expect(counts.true).toBeGreaterThan(300);
    expect(counts.false).toBeGreaterThan(300);
  });
});

/**
 * A map of cas-registers, one per key, written here without the checker's keyed model: the
 * brute force over the whole history with it never decomposes per key, so comparing it with the
 * checker tests P-compositionality (and the checker's keyed product model) against the definition.
 */
const registers: Model<Readonly<Record<string, unknown>>> = {
  name: 'registers',
  fs: ['read', 'write', 'cas'],
  init: () => ({}),
  step(state, op: ModelOp) {
    const k = String(op.key);
    const next = casRegisterModel.step(state[k] ?? null, op);
    if (next === undefined) return undefined;
    return { ...state, [k]: next };
  },
};

describe('linearizability per key agrees with the definition over the whole history', () => {
  const keyed = fc
    .array(fc.record({ kind: fc.nat(KINDS.length - 1), key: fc.constantFrom('a', 'b', 'c'), completeAt: fc.nat(10), pending: fc.boolean() }), { minLength: 2, maxLength: 7 })
    .map((ops) => {
      // Invocations in array order; each completion lands a random distance later.
      const events: { op: number; at: number; invoke: boolean }[] = [];
      ops.forEach((o, i) => {
        events.push({ op: i, at: i * 10, invoke: true });
        if (!o.pending || KINDS[o.kind]!.type === 'ok') events.push({ op: i, at: i * 10 + 1 + o.completeAt * 3, invoke: false });
      });
      events.sort((x, y) => x.at - y.at || (x.invoke ? 1 : -1));
      return events.map((e, index): Op => {
        const k = KINDS[ops[e.op]!.kind]!;
        const base = { index, time: index, process: e.op, f: k.f, key: ops[e.op]!.key };
        return e.invoke ? { ...base, type: 'invoke', value: k.value } : { ...base, type: k.type, value: k.output };
      });
    });

  it('on random keyed histories, per key and as one product model', () => {
    const counts = { true: 0, false: 0 };
    fc.assert(
      fc.property(keyed, (history) => {
        const expected = bruteForceLinearizable(history, registers);
        for (const perKey of [true, false]) {
          const r = checkLinearizableSync(history, { model: 'cas-register', perKey });
          expect(r.valid).toBe(expected);
        }
        counts[String(expected) as 'true' | 'false']++;
      }),
      { numRuns: 3000, seed: 7 },
    );
    expect(counts.true).toBeGreaterThan(300);
    expect(counts.false).toBeGreaterThan(300);
  });
});
