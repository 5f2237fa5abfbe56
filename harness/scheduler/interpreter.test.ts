import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeCluster } from '../../test/support/fake-cluster.ts';
import { MemoryRegisterClient, MemoryStore, type MemoryClientOptions } from '../../test/support/memory-register.ts';
import type { Client } from '../client.ts';
import { fromFn, items, repeat } from '../generator/basic.ts';
import { any, clients, eachThread, limit, nemesis, stagger, timeLimit } from '../generator/combinators.ts';
import type { Generator } from '../generator/generator.ts';
import { perKey } from '../generator/per-key.ts';
import { simulate } from '../generator/simulate.ts';
import type { Op } from '../history/op.ts';
import { validateHistory } from '../history/validate.ts';
import { Random } from '../random.ts';
import { MemoryLogger } from '../logger.ts';
import type { TestSpec } from '../test-spec.ts';
import { ContractError } from './contract.ts';
import { interpret, type InterpreterOptions } from './interpreter.ts';
import { ClientWorker, NemesisWorker } from './workers.ts';

const S = 1e9;
const cluster = new FakeCluster('test', 3);
const spec = {} as TestSpec;

function workers(n: number, make: () => Client): ClientWorker[] {
  return Array.from({ length: n }, (_, t) => new ClientWorker(`n${(t % 3) + 1}`, make, (c, node) => c.open(cluster, spec, node), 'the memory client'));
}

function memory(n: number, options: MemoryClientOptions = {}) {
  const store = new MemoryStore();
  return { store, workers: workers(n, () => new MemoryRegisterClient(store, options)) };
}

const run = (o: Partial<InterpreterOptions> & Pick<InterpreterOptions, 'generator' | 'clients'>) =>
  interpret({ concurrency: o.clients.length, record: () => undefined, log: new MemoryLogger(), ...o });

const registerOps = (random: Random) =>
  fromFn((d) => {
    const k = d.int(0, 2);
    return k === 0 ? { f: 'read', value: null } : k === 1 ? { f: 'write', value: d.int(0, 4) } : { f: 'cas', value: [d.int(0, 4), d.int(0, 4)] };
  }, random);

const invokes = (h: Op[]) => h.filter((o) => o.type === 'invoke');

/**
 * Runs `body` on simulated time: vitest's fake timers drive every wait of the interpreter and of
 * the memory clients, and the interpreter reads the same fake clock, so durations and counts are
 * exact however loaded the machine is. Returns how much simulated time passed.
 */
async function simulated<T>(body: (clock: () => number) => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const t0 = Date.now();
  let done = false;
  const promise = body(() => (Date.now() - t0) * 1e6).finally(() => {
    done = true;
  });
  while (!done) await vi.advanceTimersByTimeAsync(1);
  return { value: await promise, elapsedMs: Date.now() - t0 };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('interpret', () => {
  it('honours the concurrency: never more ops in flight than workers, and uses them all', async () => {
    const { store, workers: w } = memory(5, { latencyMs: () => 1 + Math.random() * 4 });
    const { history } = await run({ generator: limit(300, repeat({ f: 'read', value: null })), clients: w });
    expect(store.maxInFlight).toBe(5);
    expect(invokes(history)).toHaveLength(300);
    expect(validateHistory(history)).toEqual([]);
    expect(new Set(invokes(history).map((o) => o.node))).toEqual(new Set(['n1', 'n2', 'n3']));
  });

  it('continues under a new process (and a freshly opened client) after info or an exception', async () => {
    let n = 0;
    const { store, workers: w } = memory(2, { fault: () => (++n % 7 === 0 ? 'info' : n % 11 === 0 ? 'throw' : undefined) });
    const { history } = await run({ generator: limit(100, repeat({ f: 'write', value: 1 })), clients: w });
    expect(validateHistory(history)).toEqual([]);
    const infos = history.filter((o) => o.type === 'info');
    expect(infos.length).toBeGreaterThan(5);
    expect(infos.some((o) => o.error === 'Error: connection reset (injected)')).toBe(true);
    let reopened = 0;
    for (const info of infos) {
      const next = history.find((o) => o.index > info.index && o.type === 'invoke' && (o.process as number) % 2 === (info.process as number) % 2);
      if (next) {
        expect(next.process).toBe((info.process as number) + 2);
        reopened++;
      }
    }
    // One open per process that ran an op: the first two, plus one after each info that had a successor.
    expect(store.opens).toBe(2 + reopened);
  });

  it('replays the same ops from the same seed, whatever the timing', async () => {
    const ops = async () => {
      const { workers: w } = memory(6, { latencyMs: () => Math.random() * 3 });
      const gen = limit(400, perKey({ threadsPerKey: 3, random: Random.fromSeed(77), gen: (_k, r) => limit(10, registerOps(r)) }));
      const { history } = await run({ generator: gen, clients: w });
      const byKey = new Map<unknown, string[]>();
      for (const o of invokes(history)) byKey.set(o.key, [...(byKey.get(o.key) ?? []), `${o.f} ${JSON.stringify(o.value)}`]);
      return byKey;
    };
    const [a, b] = [await ops(), await ops()];
    let full = 0;
    for (const [k, seqA] of a) {
      const seqB = b.get(k) ?? [];
      const n = Math.min(seqA.length, seqB.length);
      expect(seqA.slice(0, n), `key ${k}`).toEqual(seqB.slice(0, n));
      if (n === 10) full++;
    }
    expect(full).toBeGreaterThanOrEqual(35);

    // Per-thread streams: each worker's own sequence is identical.
    const perThread = async () => {
      const { workers: w } = memory(3, { latencyMs: () => Math.random() * 3 });
      const base = Random.fromSeed(5);
      const { history } = await run({ generator: eachThread((t) => limit(30, registerOps(base.fork(`t${t}`)))), clients: w });
      return [0, 1, 2].map((p) => invokes(history).filter((o) => o.process === p).map((o) => JSON.stringify([o.f, o.value])));
    };
    expect(await perThread()).toEqual(await perThread());
  });

  it('honours the time limit', async () => {
    const { workers: w } = memory(4, { latencyMs: () => 2 });
    const { value: { history }, elapsedMs } = await simulated((clock) => run({ generator: timeLimit(0.4 * S, repeat({ f: 'read', value: null })), clients: w, clock }));
    // The limit runs from the first time the generator is asked: the first invoke.
    const times = invokes(history).map((o) => o.time);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(0.4 * S);
    // Ops already in flight at the limit still complete: at most one latency more.
    expect(elapsedMs).toBeGreaterThanOrEqual(400);
    expect(elapsedMs).toBeLessThanOrEqual(402);
    // Four workers, an op every 2 ms each: about 800 ops, and none started late.
    expect(invokes(history).length).toBeGreaterThanOrEqual(790);
    expect(invokes(history).length).toBeLessThanOrEqual(804);
  });

  it('honours the rate: the schedule the pure simulator predicts, op for op', async () => {
    const { workers: w } = memory(10, { latencyMs: () => 2 });
    const gen = () => timeLimit(1 * S, stagger(S / 200, repeat({ f: 'read', value: null }), Random.fromSeed(1)));
    const { value: { history } } = await simulated((clock) => run({ generator: gen(), clients: w, clock }));
    const predicted = invokes(simulate(gen(), { concurrency: 10, latency: () => 2e6 }));
    // 200/s for 1 s, with stagger's random gaps (uniform, mean 5 ms) from seed 1.
    expect(predicted.length).toBeGreaterThan(170);
    expect(predicted.length).toBeLessThan(230);
    // The interpreter starts an op up to 1 ms early (a timer's precision), never late.
    const times = invokes(history).map((o) => o.time / 1e6);
    expect(times).toHaveLength(predicted.length);
    times.forEach((t, i) => expect(Math.abs(t - predicted[i]!.time / 1e6), `op ${i}`).toBeLessThanOrEqual(1));
  });

  it('tells a client exactly what was wrong with its completion, and stops cleanly', async () => {
    const bad: Client = {
      open: async () => undefined,
      invoke: async () => ({ type: 'invoke', value: 1n, f: 'write' }) as never,
      close: async () => undefined,
    };
    const result = await run({ generator: limit(10, repeat({ f: 'read', value: null })), clients: workers(2, () => bad) });
    expect(result.error).toBeInstanceOf(ContractError);
    expect(result.error!.message).toMatch(/^the memory client returned a bad completion for op \d \(process \d read null\): /);
    expect(result.error!.message).toContain("type must be 'ok', 'fail' or 'info' (got \"invoke\"): a completion cannot be an invoke");
    expect(result.error!.message).toContain('value must be JSON (1n is a bigint; use a number or a string)');
    expect(result.error!.message).toContain('unexpected field "f" (a completion cannot change what was invoked)');
    expect(validateHistory(result.history)).toEqual([]);
    expect(result.history.filter((o) => o.type === 'info').every((o) => o.error?.startsWith('harness stopped: ContractError'))).toBe(true);
  });

  it('a client that cannot open makes its op fail (nothing was sent) and is retried', async () => {
    let opens = 0;
    const flaky = (): Client => ({
      open: async () => {
        if (++opens <= 2) throw new Error('connection refused');
      },
      invoke: async () => ({ type: 'ok', value: null }),
      close: async () => undefined,
    });
    const { history } = await run({ generator: limit(6, repeat({ f: 'read', value: null })), clients: workers(1, flaky) });
    const done = history.filter((o) => o.type !== 'invoke');
    expect(done.map((o) => o.type)).toEqual(['fail', 'fail', 'ok', 'ok', 'ok', 'ok']);
    expect(done[0]!.error).toBe('client could not be opened on n1: Error: connection refused');
  });

  it('when aborted, lets in-flight ops finish (within the drain time) and starts no more', async () => {
    const { workers: w } = memory(3, { latencyMs: () => 100 });
    const controller = new AbortController();
    const { value: result, elapsedMs } = await simulated((clock) => {
      setTimeout(() => controller.abort(), 250);
      return run({ generator: repeat({ f: 'write', value: 2 }), clients: w, signal: controller.signal, drainMs: 2_000, clock });
    });
    // Ops started at 0, 100 and 200 ms on three workers; the last three finish at 300 ms.
    expect(elapsedMs).toBe(300);
    expect(result.interrupted).toBe(true);
    expect(validateHistory(result.history)).toEqual([]);
    expect(result.history.filter((o) => o.type === 'ok')).toHaveLength(invokes(result.history).length);
    expect(invokes(result.history)).toHaveLength(9);
  });

  it('when aborted, records ops that outlast the drain time as info', async () => {
    let n = 0;
    const { workers: w } = memory(3, { latencyMs: () => (++n === 5 ? 60_000 : 20) });
    const controller = new AbortController();
    const { value: result, elapsedMs } = await simulated((clock) => {
      setTimeout(() => controller.abort(), 200);
      return run({ generator: repeat({ f: 'write', value: 2 }), clients: w, signal: controller.signal, drainMs: 300, clock });
    });
    // The abort at 200 ms, then the drain time: the 60 s op is not waited for.
    expect(elapsedMs).toBeGreaterThanOrEqual(500);
    expect(elapsedMs).toBeLessThanOrEqual(502);
    expect(validateHistory(result.history)).toEqual([]);
    const open = new Set<unknown>();
    for (const o of result.history) if (o.type === 'invoke') open.add(o.process); else open.delete(o.process);
    expect(open.size).toBe(0);
    expect(result.history.filter((o) => o.error?.startsWith('interrupted'))).toHaveLength(1);
  });

  it('gives up on an op that never completes and moves the thread on', async () => {
    let calls = 0;
    const hang = (): Client => ({
      open: async () => undefined,
      invoke: () => (++calls === 1 ? new Promise(() => undefined) : Promise.resolve({ type: 'ok', value: null })),
      close: async () => undefined,
    });
    const log = new MemoryLogger();
    const { value: { history } } = await simulated((clock) => run({ generator: limit(3, repeat({ f: 'read', value: null })), clients: workers(1, hang), stuckOpMs: 300, log, clock }));
    expect(history.map((o) => o.type)).toEqual(['invoke', 'info', 'invoke', 'ok', 'invoke', 'ok']);
    // Stuck ops are looked for every second: this one was given up on at the first look.
    expect(history[1]!.time).toBe(1_000 * 1e6);
    expect(history[1]!.error).toMatch(/^no completion after \d+ ms/);
    expect(history[2]!.process).toBe(1);
    expect(log.lines.some((l) => l.startsWith('WARN thread 0: no completion'))).toBe(true);
  });

  it('records nemesis ops as info pairs carrying what was done', async () => {
    const { workers: w } = memory(2);
    const did: string[] = [];
    const nem = new NemesisWorker(
      {
        fs: ['start', 'stop'],
        invoke: async (op) => {
          did.push(op.f);
          if (op.f === 'stop') throw new Error('heal failed');
          return { value: { isolated: ['n2'] } };
        },
        teardown: async () => undefined,
      },
      {} as never,
    );
    const gen: Generator = any(clients(limit(20, repeat({ f: 'read', value: null }))), nemesis(items([{ f: 'start', value: null }, { f: 'stop', value: null }])));
    const { history } = await run({ generator: gen, clients: w, nemesis: nem });
    const nemOps = history.filter((o) => o.process === 'nemesis');
    expect(nemOps.map((o) => [o.type, o.f])).toEqual([
      ['info', 'start'],
      ['info', 'start'],
      ['info', 'stop'],
      ['info', 'stop'],
    ]);
    expect(nemOps[1]!.value).toEqual({ isolated: ['n2'] });
    expect(nemOps[3]!.error).toBe('Error: heal failed');
    expect(validateHistory(history)).toEqual([]);
  });
});
