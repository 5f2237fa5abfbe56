import { ClientClosedError, EtcdError, GRPCDeadlineExceededError, GRPCInvalidArgumentError, GRPCResourceExhastedError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { classifyEtcdError } from './etcd-register-client.ts';

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
