import { ClientClosedError, EtcdError, GRPCDeadlineExceededError, GRPCInvalidArgumentError, GRPCResourceExhastedError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../harness/generator/simulate.ts';
import { Random } from '../../harness/random.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { classifyEtcdError } from './etcd-client.ts';
import { registerOptionProblems, registerOptions } from './options.ts';
import { casRegister } from './register.ts';

// Messages as grpc-js and etcd 3.4 produce them (seen against a real cluster).
const refused = new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 10.0.0.2:2379. Resolution note: ');
const dropped = new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped');
const deadline = new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded after 1.500s,LB pick: 0.001s,remote_addr=10.0.0.1:2379');
const leaderChanged = new GRPCUnavailableError('14 UNAVAILABLE: etcdserver: leader changed');
const serverTimeout = new GRPCUnavailableError('14 UNAVAILABLE: etcdserver: request timed out');
const tooMany = new GRPCResourceExhastedError('8 RESOURCE_EXHAUSTED: etcdserver: too many requests');

describe('etcd error classification', () => {
  it('nothing sent or refused before proposing: fail, for every op', () => {
    for (const f of ['read', 'write', 'cas']) {
      expect(classifyEtcdError(refused, f)).toEqual({ type: 'fail', error: `not-sent: ${refused.message}` });
      expect(classifyEtcdError(new ClientClosedError('KV'), f).type).toBe('fail');
      expect(classifyEtcdError(tooMany, f).type).toBe('fail');
      expect(classifyEtcdError(new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: key is not provided'), f).type).toBe('fail');
    }
  });

  it('ambiguous after sending: info for writes and cas', () => {
    for (const f of ['write', 'cas']) {
      expect(classifyEtcdError(deadline, f)).toEqual({ type: 'info', error: `timeout: ${deadline.message}` });
      expect(classifyEtcdError(dropped, f)).toEqual({ type: 'info', error: `unavailable: ${dropped.message}` });
      expect(classifyEtcdError(leaderChanged, f).error).toMatch(/^leader-changed: /);
      expect(classifyEtcdError(serverTimeout, f).error).toMatch(/^server-timeout: /);
      expect(classifyEtcdError(new EtcdError('etcdserver: something new'), f)).toEqual({ type: 'info', error: 'unknown: etcdserver: something new' });
      expect(classifyEtcdError('a string', f).type).toBe('info');
    }
  });

  it('a read has no effect, so any read error is fail', () => {
    for (const e of [deadline, dropped, leaderChanged, serverTimeout, new Error('weird')]) expect(classifyEtcdError(e, 'read').type).toBe('fail');
  });

  it('keeps long messages short', () => {
    const e = new GRPCUnavailableError(`14 UNAVAILABLE: ${'x'.repeat(1000)}`);
    expect(classifyEtcdError(e, 'write').error.length).toBeLessThan(330);
  });
});

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
