import { describe, expect, it } from 'vitest';
import { simulate } from '../../harness/generator/simulate.ts';
import { Random } from '../../harness/random.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { registerOptionProblems, registerOptions } from './options.ts';
import { casRegister } from './register.ts';

describe('register workload', () => {
  const test = (options: Record<string, unknown> = {}, concurrency = 10) => ({ concurrency, options }) as TestSpec;

  it('reads its options with defaults and caps threads per key at the concurrency', () => {
    expect(registerOptions(test())).toEqual({ opsPerKey: 200, threadsPerKey: 5, valueRange: 5, readConsistency: 'linearizable', timeoutMs: 5000 });
    expect(registerOptions(test({ threadsPerKey: 8 }, 3)).threadsPerKey).toBe(3);
  });

  it('names every bad option', () => {
    expect(registerOptionProblems({ opsPerKey: 0, readConsistency: 'quorum', opsPerKye: 3 })).toEqual([
      'opsPerKey must be a positive integer (got 0)',
      'readConsistency must be "linearizable" or "serializable" (got "quorum")',
      'unknown option "opsPerKye" for the register workload; known: opsPerKey, threadsPerKey, valueRange, readConsistency, timeoutMs',
    ]);
    expect(registerOptionProblems({ readConsistency: 'serializable', valueRange: 3 })).toEqual([]);
  });

  it('generates read / write / cas over keys that retire after opsPerKey ops', () => {
    const gen = casRegister.generator(test({ opsPerKey: 20, valueRange: 3 }, 6), Random.fromSeed(1));
    const h = simulate(gen, { concurrency: 6, maxOps: 2000 });
    const invokes = h.filter((o) => o.type === 'invoke');
    const perKey = new Map<unknown, number>();
    for (const o of invokes) perKey.set(o.key, (perKey.get(o.key) ?? 0) + 1);
    expect(Math.max(...perKey.values())).toBe(20);
    expect(new Set(invokes.map((o) => o.f))).toEqual(new Set(['read', 'write', 'cas']));
    for (const o of invokes) {
      if (o.f === 'read') expect(o.value).toBeNull();
      if (o.f === 'write') expect([0, 1, 2]).toContain(o.value);
      if (o.f === 'cas') expect(o.value).toEqual([expect.any(Number), expect.any(Number)]);
    }
    // Two groups of 5 (capped at 6 → 5 and 1): keys started in order.
    expect(Math.min(...[...perKey.keys()].map(Number))).toBe(0);
  });

  it('asks for well-formed, stats and (when registered) linearizable with the cas-register model', () => {
    expect(casRegister.checkers(test())).toEqual([
      { name: 'well-formed' },
      { name: 'stats' },
      { name: 'linearizable', options: { model: 'cas-register' }, optional: true },
      { name: 'converged' },
    ]);
  });
});
