import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../history/op.ts';
import { validateHistory } from '../history/validate.ts';
import { Random } from '../random.ts';
import { GeneratorError } from '../scheduler/driver.ts';
import {
  any,
  clients,
  concat,
  cycle,
  delay,
  eachThread,
  fromFn,
  items,
  limit,
  mix,
  nemesis,
  once,
  perKey,
  phases,
  repeat,
  simulate,
  sleep,
  stagger,
  timeLimit,
  type GenContext,
  type Generator,
} from './index.ts';

const MS = 1_000_000;
const S = 1_000_000_000;
const clientInvokes = (h: Op[]) => h.filter((o) => o.type === 'invoke');
const rw = (random: Random) =>
  fromFn((d) => (d.bool() ? { f: 'read', value: null } : { f: 'write', value: d.int(0, 4) }), random);

describe('generators under the simulator', () => {
  it('limit emits exactly n ops and the history is well-formed', () => {
    const h = simulate(limit(25, repeat({ f: 'read', value: null })), { concurrency: 3 });
    expect(clientInvokes(h)).toHaveLength(25);
    expect(h).toHaveLength(50);
    expect(validateHistory(h)).toEqual([]);
  });

  it('uses every worker and never gives a busy worker a second op', () => {
    const h = simulate(limit(100, repeat({ f: 'read', value: null })), { concurrency: 4, latency: (_, d) => d.int(1, 10) * MS });
    expect(new Set(clientInvokes(h).map((o) => o.process))).toEqual(new Set([0, 1, 2, 3]));
    expect(validateHistory(h)).toEqual([]);
  });

  it('timeLimit stops invoking at the deadline', () => {
    const h = simulate(timeLimit(2 * S, stagger(10 * MS, repeat({ f: 'read', value: null }), Random.fromSeed(1))), { concurrency: 5 });
    const times = clientInvokes(h).map((o) => o.time);
    expect(Math.max(...times)).toBeLessThan(2 * S);
    expect(Math.max(...times)).toBeGreaterThan(1.9 * S);
  });

  it('stagger gives a total rate, whatever the concurrency', () => {
    for (const concurrency of [1, 5, 20]) {
      const h = simulate(timeLimit(10 * S, stagger(S / 100, repeat({ f: 'read', value: null }), Random.fromSeed(7))), { concurrency, latency: () => 2 * MS });
      const n = clientInvokes(h).length;
      expect(n, `concurrency ${concurrency}`).toBeGreaterThan(900);
      expect(n, `concurrency ${concurrency}`).toBeLessThan(1100);
    }
  });

  it('stagger cannot exceed what the workers can do', () => {
    // 2 workers with 100 ms ops manage 20 ops/s, not the 1000/s asked for.
    const h = simulate(timeLimit(5 * S, stagger(MS, repeat({ f: 'read', value: null }), Random.fromSeed(7))), { concurrency: 2, latency: () => 100 * MS });
    expect(clientInvokes(h).length).toBeLessThanOrEqual(100);
    expect(clientInvokes(h).length).toBeGreaterThanOrEqual(98);
  });

  it('delay spaces ops evenly', () => {
    const h = simulate(limit(5, delay(100 * MS, repeat({ f: 'read', value: null }))), { concurrency: 3 });
    expect(clientInvokes(h).map((o) => o.time)).toEqual([0, 100, 200, 300, 400].map((t) => t * MS));
  });

  it('mix draws from every generator in proportion to the weights', () => {
    const gen = limit(3000, mix([repeat({ f: 'a', value: null }), repeat({ f: 'b', value: null })], Random.fromSeed(3), [3, 1]));
    const h = simulate(gen, { concurrency: 2 });
    const a = clientInvokes(h).filter((o) => o.f === 'a').length;
    expect(a / 3000).toBeGreaterThan(0.72);
    expect(a / 3000).toBeLessThan(0.78);
  });

  it('mix moves on when one generator is done', () => {
    const gen = mix([items([{ f: 'x', value: 1 }]), limit(5, repeat({ f: 'y', value: null }))], Random.fromSeed(9));
    const fs = clientInvokes(simulate(gen, { concurrency: 1 })).map((o) => o.f);
    expect(fs.filter((f) => f === 'x')).toHaveLength(1);
    expect(fs.filter((f) => f === 'y')).toHaveLength(5);
  });

  it('eachThread gives every thread its own copy', () => {
    const h = simulate(eachThread(once({ f: 'read', value: null })), { concurrency: 4 });
    expect(clientInvokes(h).map((o) => o.process).sort()).toEqual([0, 1, 2, 3]);
  });

  it('eachThread with per-thread random forks: a worker\'s ops do not depend on the others\' latency', () => {
    const base = Random.fromSeed(11);
    const gen = eachThread((t) => limit(30, rw(base.fork(`thread:${t}`))));
    const perThread = (seed: number) => {
      const h = simulate(gen, { concurrency: 3, latency: (_, d) => d.int(1, 50) * MS, random: Random.fromSeed(seed) });
      return [0, 1, 2].map((p) => clientInvokes(h).filter((o) => o.process === p).map((o) => [o.f, o.value]));
    };
    expect(perThread(1)).toEqual(perThread(2));
  });

  it('phases: the next phase starts only after every op of the previous one completed', () => {
    const gen = phases(limit(10, repeat({ f: 'one', value: null })), once({ f: 'two', value: null }));
    const h = simulate(gen, { concurrency: 3, latency: (_, d) => d.int(1, 20) * MS });
    const lastOne = Math.max(...h.filter((o) => o.f === 'one' && o.type === 'ok').map((o) => o.time));
    const two = h.find((o) => o.f === 'two' && o.type === 'invoke')!;
    expect(two.time).toBeGreaterThanOrEqual(lastOne);
    expect(h.findIndex((o) => o === two)).toBeGreaterThan(h.findLastIndex((o) => o.f === 'one'));
  });

  it('concat runs generators in order without waiting', () => {
    const h = simulate(concat(once({ f: 'a', value: null }), once({ f: 'b', value: null })), { concurrency: 2 });
    expect(clientInvokes(h).map((o) => o.f)).toEqual(['a', 'b']);
    expect(clientInvokes(h)[1]!.time).toBe(0);
  });

  it('a nemesis schedule: cycle of sleeps and faults on the nemesis thread, beside the clients', () => {
    const schedule = cycle(concat(sleep(10 * S), once({ f: 'start-partition', value: 'majority' }), sleep(10 * S), once({ f: 'stop-partition', value: null })));
    const gen = timeLimit(60 * S, any(clients(stagger(S / 50, repeat({ f: 'read', value: null }), Random.fromSeed(5))), nemesis(schedule)));
    const h = simulate(gen, { concurrency: 4, nemesis: true, complete: (op) => ({ type: 'info', value: op.process === 'nemesis' ? { done: op.value } : op.value }) });
    const nem = h.filter((o) => o.process === 'nemesis');
    expect(nem.map((o) => o.f)).toEqual(['start-partition', 'start-partition', 'stop-partition', 'stop-partition', 'start-partition', 'start-partition', 'stop-partition', 'stop-partition', 'start-partition', 'start-partition']);
    expect(nem.every((o) => o.type === 'info')).toBe(true);
    expect(nem[0]!.time).toBeGreaterThanOrEqual(10 * S);
    expect(nem[2]!.time - nem[1]!.time).toBeGreaterThanOrEqual(10 * S);
    expect(validateHistory(h)).toEqual([]);
  });

  it('a sleep inside a time limit ends with it, so the next phase is not held up', () => {
    const gen = phases(timeLimit(5 * S, nemesis(concat(sleep(60 * S), once({ f: 'never', value: null })))), nemesis(once({ f: 'heal', value: null })));
    const h = simulate(gen, { concurrency: 1, nemesis: true });
    expect(h.map((o) => o.f)).toEqual(['heal', 'heal']);
    expect(h[0]!.time).toBe(5 * S);
  });

  it('a thread whose op ended info continues as process + concurrency', () => {
    const h = simulate(limit(6, repeat({ f: 'write', value: 1 })), {
      concurrency: 2,
      complete: (op) => (op.process === 1 ? { type: 'ok', value: op.value } : { type: 'info', value: op.value, error: 'timeout' }),
      latency: () => MS,
    });
    const procs = clientInvokes(h).map((o) => o.process as number);
    expect(procs.filter((p) => p % 2 === 0)).toEqual([0, 2, 4]);
    expect(procs.filter((p) => p % 2 === 1)).toEqual([1, 1, 1]);
    expect(validateHistory(h)).toEqual([]);
  });

  it('a broken generator is told exactly what it did wrong', () => {
    const broken: Generator = {
      op: (ctx: GenContext) => ({ kind: 'op', op: { type: 'invoke', f: '', value: 1, thread: 7, time: ctx.time }, gen: broken }),
      update: () => broken,
    };
    expect(() => simulate(broken, { concurrency: 2 })).toThrow(GeneratorError);
    expect(() => simulate(broken, { concurrency: 2 })).toThrow('thread 7 does not exist (threads: 0, 1); f must be a non-empty string (got "")');
  });

  it('a generator that waits forever is reported, not hung', () => {
    const stuck: Generator = { op: () => ({ kind: 'pending', gen: stuck }), update: () => stuck };
    expect(() => simulate(stuck, { concurrency: 1 })).toThrow(/would wait forever/);
  });
});

describe('perKey', () => {
  const registerGen = (opsPerKey: number) => (key: string | number, random: Random) => limit(opsPerKey, rw(random));

  it('retires a key after its ops and starts a fresh one; a key is worked by one group', () => {
    const gen = limit(200, perKey({ threadsPerKey: 2, gen: registerGen(10), random: Random.fromSeed(4) }));
    const h = simulate(gen, { concurrency: 6, latency: (_, d) => d.int(1, 9) * MS });
    const byKey = new Map<unknown, Op[]>();
    for (const o of clientInvokes(h)) byKey.set(o.key, [...(byKey.get(o.key) ?? []), o]);
    expect(byKey.size).toBeGreaterThanOrEqual(20);
    for (const [key, ops] of byKey) {
      expect(ops.length, `key ${key}`).toBeLessThanOrEqual(10);
      const threads = new Set(ops.map((o) => (o.process as number) % 6));
      expect(threads.size, `key ${key}`).toBeLessThanOrEqual(2);
    }
  });

  it('three groups work on three keys at once', () => {
    const gen = limit(9, perKey({ threadsPerKey: 2, gen: registerGen(3), random: Random.fromSeed(4) }));
    const h = simulate(gen, { concurrency: 6, latency: () => 10 * MS });
    expect(new Set(clientInvokes(h).filter((o) => o.time === 0).map((o) => o.key)).size).toBe(3);
  });

  it('each key sees the same ops whatever the timing (same seed)', () => {
    const gen = timeLimit(5 * S, stagger(2 * MS, perKey({ threadsPerKey: 3, gen: registerGen(20), random: Random.fromSeed(42) }), Random.fromSeed(43)));
    const perKeyOps = (latencySeed: number) => {
      const h = simulate(gen, { concurrency: 9, latency: (_, d) => d.int(1, 30) * MS, random: Random.fromSeed(latencySeed) });
      const m = new Map<unknown, string[]>();
      for (const o of clientInvokes(h)) m.set(o.key, [...(m.get(o.key) ?? []), `${o.f}:${JSON.stringify(o.value)}`]);
      return m;
    };
    const a = perKeyOps(1);
    const b = perKeyOps(2);
    let complete = 0;
    for (const [key, opsA] of a) {
      const opsB = b.get(key);
      if (!opsB) continue;
      const n = Math.min(opsA.length, opsB.length);
      expect(opsA.slice(0, n), `key ${key}`).toEqual(opsB.slice(0, n));
      if (opsA.length === 20 && opsB.length === 20) complete++;
    }
    expect(complete).toBeGreaterThan(50);
    // A different seed gives different ops.
    const c = simulate(timeLimit(S, perKey({ threadsPerKey: 3, gen: registerGen(20), random: Random.fromSeed(1) })), { concurrency: 9 });
    expect(clientInvokes(c).filter((o) => o.key === 0).map((o) => `${o.f}:${JSON.stringify(o.value)}`)).not.toEqual(a.get(0)!.slice(0, 20));
  });

  it('ends when maxKeys keys are done', () => {
    const h = simulate(perKey({ threadsPerKey: 1, gen: registerGen(4), random: Random.fromSeed(1), maxKeys: 5, key: (i) => `k${i}` }), { concurrency: 2 });
    expect(new Set(clientInvokes(h).map((o) => o.key))).toEqual(new Set(['k0', 'k1', 'k2', 'k3', 'k4']));
    expect(clientInvokes(h)).toHaveLength(20);
  });
});

describe('generators are pure values', () => {
  it('asking twice with the same context gives the same answer', () => {
    const ctxArb = fc.record({
      time: fc.nat(10 * S),
      free: fc.subarray([0, 1, 2, 3], { minLength: 0 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), ctxArb, (seed, c) => {
        const r = Random.fromSeed(seed);
        const gen = timeLimit(5 * S, stagger(MS, perKey({ threadsPerKey: 2, gen: (_k, rr) => limit(5, mix([rw(rr.fork('a')), repeat({ f: 'cas', value: [1, 2] })], rr)), random: r }), r.fork('s')));
        const ctx: GenContext = { time: c.time, free: c.free, threads: [0, 1, 2, 3], process: (t) => t };
        const strip = (s: ReturnType<Generator['op']>) => (s.kind === 'op' ? s.op : s.kind);
        expect(strip(gen.op(ctx))).toEqual(strip(gen.op(ctx)));
      }),
      { numRuns: 200 },
    );
  });

  it('a generator value can be replayed: simulating it twice gives the same history', () => {
    const gen = timeLimit(2 * S, stagger(5 * MS, perKey({ threadsPerKey: 2, gen: (_k, r) => limit(7, rw(r)), random: Random.fromSeed(8) }), Random.fromSeed(9)));
    const opts = { concurrency: 4, latency: (_: Op, d: { int(a: number, b: number): number }) => d.int(1, 20) * MS };
    expect(simulate(gen, opts)).toEqual(simulate(gen, opts));
  });
});
