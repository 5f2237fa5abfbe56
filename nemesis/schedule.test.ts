import { describe, expect, it } from 'vitest';
import { simulate } from '../harness/generator/simulate.ts';
import { nemesis as onNemesis, timeLimit } from '../harness/generator/combinators.ts';
import type { FullDatabase } from '../harness/database.ts';
import type { Op } from '../harness/history/op.ts';
import { validateHistory } from '../harness/history/validate.ts';
import { Random } from '../harness/random.ts';
import { runGenerator } from '../cli/run/run-test.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import { FINAL_READ } from '../checkers/conventions.ts';
import { faultWindows } from '../harness/faults/windows.ts';
import { casRegister } from '../workloads/register/register.ts';
import { composeNemeses } from './compose.ts';
import { getNemesis } from './registry.ts';
import { faultCycle } from './schedule.ts';

const S = 1e9;
const db = { name: 'fake', image: { ref: 'fake' }, setup: async () => {}, teardown: async () => {}, kill: async () => {}, start: async () => {}, pause: async () => {}, resume: async () => {}, primaries: async () => [] } as FullDatabase;
const spec = (over: Partial<TestSpec> = {}): TestSpec => ({ name: 't', db: 'fake', workload: 'register', nodes: 5, concurrency: 10, rate: 50, timeLimit: 120, nemesis: ['partition', 'kill', 'pause'], nemesisInterval: 10, recovery: 10, seed: 7, options: {}, ...over });
const nemesisOps = (h: Op[]) => h.filter((o) => o.process === 'nemesis');

/** The run's whole schedule (workload, faults, heal, recovery, final reads) under the simulator. */
function simulateRun(t: TestSpec, latency = (op: Op) => (op.process === 'nemesis' ? 0.2 * S : 5e6)): Op[] {
  const random = Random.fromSeed(t.seed);
  const pkg = composeNemeses(t.nemesis.map((n) => getNemesis(n)!.create({ test: t, db, intervalNs: t.nemesisInterval * S, random: random.fork(`nemesis-schedule:${n}`), variants: t.nemesisVariants?.[n] ?? [] })));
  return simulate(runGenerator(t, casRegister, pkg, random), { concurrency: t.concurrency, nemesis: true, latency, complete: (op) => ({ type: 'ok', value: op.f === 'read' ? 1 : op.value }), maxOps: 500_000 });
}

describe('fault schedules', () => {
  it('one class alternates start and stop, each gap 0.5–1.5 × the interval after the previous transition completed', () => {
    const gen = timeLimit(300 * S, onNemesis(faultCycle({ fault: 'x', intervalNs: 10 * S, random: Random.fromSeed(3), start: (d) => d.int(1, 9) })));
    const h = simulate(gen, { concurrency: 1, nemesis: true, latency: () => 2 * S });
    const invokes = h.filter((_, i) => i % 2 === 0);
    expect(invokes.length).toBeGreaterThan(15);
    invokes.forEach((op, i) => expect(op.f).toBe(i % 2 === 0 ? 'start-x' : 'stop-x'));
    for (let i = 1; i < invokes.length; i++) {
      const gap = invokes[i]!.time - h[2 * i - 1]!.time;
      expect(gap).toBeGreaterThanOrEqual(5 * S);
      expect(gap).toBeLessThanOrEqual(15 * S);
    }
    expect(new Set(invokes.filter((o) => o.f === 'start-x').map((o) => o.value)).size).toBeGreaterThan(3);
  });

  it('classes overlap: faults of different classes are in force at once', () => {
    const windows = faultWindows(simulateRun(spec({ timeLimit: 300 })));
    const overlaps = windows.filter((a) => windows.some((b) => b !== a && b.fault !== a.fault && b.start < a.end && a.start < b.end));
    expect(new Set(windows.map((w) => w.fault))).toEqual(new Set(['partition', 'kill', 'pause']));
    expect(overlaps.length).toBeGreaterThan(0);
  });

  it('every run ends with a heal of every class (pauses first), then the recovery window, then final reads of every touched key from every node', () => {
    const t = spec({ nemesis: ['kill', 'partition', 'pause'] });
    const h = simulateRun(t);
    expect(validateHistory(h)).toEqual([]);
    const firstFinal = h.findIndex((o) => o.value === FINAL_READ);
    const heals = nemesisOps(h).slice(-6);
    expect(heals.filter((_, i) => i % 2 === 0).map((o) => o.f)).toEqual(['stop-pause', 'stop-partition', 'stop-kill']);
    const lastHeal = heals.at(-1)!;
    expect(lastHeal.index).toBeLessThan(firstFinal);
    // Every fault window is closed by the end.
    expect(faultWindows(h).every((w) => !w.unhealed)).toBe(true);
    // The recovery window: clients are idle from the last heal for --recovery seconds.
    expect(h[firstFinal]!.time - lastHeal.time).toBeGreaterThanOrEqual(10 * S);
    const mainKeys = new Set(h.slice(0, firstFinal).filter((o) => o.process !== 'nemesis').map((o) => o.key));
    const finals = h.filter((o) => o.type === 'invoke' && o.value === FINAL_READ);
    expect(finals).toHaveLength(mainKeys.size * t.nodes);
    // One reader per node: threads 0…4 talk to n1…n5.
    expect(new Set(finals.map((o) => o.process))).toEqual(new Set([0, 1, 2, 3, 4]));
    for (const p of [0, 1, 2, 3, 4]) expect(new Set(finals.filter((o) => o.process === p).map((o) => o.key))).toEqual(mainKeys);
  });

  it('a slow transition does not shorten the fault: the next transition waits from its completion', () => {
    const h = simulateRun(spec({ nemesis: ['partition'] }), (op) => (op.process === 'nemesis' ? 4 * S : 5e6));
    const nem = nemesisOps(h);
    for (let i = 2; i < nem.length - 2; i += 2) expect(nem[i]!.time - nem[i - 1]!.time).toBeGreaterThanOrEqual(5 * S);
  });

  it('replays from the seed: the same faults with the same requests', () => {
    const values = (seed: number) => nemesisOps(simulateRun(spec({ seed }))).filter((_, i) => i % 2 === 0).map((o) => [o.f, o.value, o.time]);
    expect(values(11)).toEqual(values(11));
    expect(values(11)).not.toEqual(values(12));
  });

  it('variants narrow what a class draws', () => {
    const starts = nemesisOps(simulateRun(spec({ nemesis: ['partition', 'kill'], nemesisVariants: { partition: ['primaries'], kill: ['one', 'all'] }, timeLimit: 300 }))).filter((o, i) => i % 2 === 0 && o.f.startsWith('start-'));
    expect(new Set(starts.filter((o) => o.f === 'start-partition').map((o) => JSON.stringify(o.value)))).toEqual(new Set(['{"topology":"primaries"}']));
    expect(new Set(starts.filter((o) => o.f === 'start-kill').map((o) => o.value))).toEqual(new Set(['one', 'all']));
  });
});
