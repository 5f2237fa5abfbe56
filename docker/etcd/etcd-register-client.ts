import { noop } from 'cockatiel';
import {
  ClientClosedError,
  Etcd3,
  EtcdPermissionDeniedError,
  GRPCDeadlineExceededError,
  GRPCFailedPreconditionError,
  GRPCInvalidArgumentError,
  GRPCNotImplementedError,
  GRPCResourceExhastedError,
  GRPCUnauthenticatedError,
  GRPCUnavailableError,
} from 'etcd3';
import { findNode, type Cluster } from '../../harness/cluster.ts';
import type { Client, Completion, Invocation } from '../../harness/client.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { registerOptions } from '../../workloads/register/options.ts';
import { clientUrl } from './etcd-node.ts';
import { errorText } from '../../harness/errors.ts';

export interface ErrorOutcome {
  type: 'fail' | 'info';
  error: string;
}

/**
 * Splits etcd client errors into `fail` (certainly not applied) and `info` (may have been), per
 * DESIGN §2. Getting this wrong manufactures anomalies (a `fail` that did apply) or hides them.
 *
 * - Nothing was sent: gRPC had no connection ("No connection established", connect refused),
 *   the client was closed → `fail`.
 * - The server refused before proposing (invalid argument, permission, too many requests,
 *   failed precondition, unimplemented) → `fail`.
 * - A read never changes state, so any error on a read is `fail`.
 * - Everything else on a write or cas — deadline passed after sending, connection reset
 *   mid-request, "leader changed", "request timed out", anything unrecognised → `info`.
 */
export function classifyEtcdError(err: unknown, f: string): ErrorOutcome {
  const message = errorText(err, { name: false });
  const text = (label: string) => `${label}: ${errorText(err, { name: false, max: 300 })}`;
  if (err instanceof ClientClosedError) return { type: 'fail', error: text('client-closed') };
  if (err instanceof GRPCUnavailableError && /No connection established|connect ECONNREFUSED|Name resolution failed/.test(message)) {
    return { type: 'fail', error: text('not-sent') };
  }
  if (
    err instanceof GRPCInvalidArgumentError ||
    err instanceof EtcdPermissionDeniedError ||
    err instanceof GRPCUnauthenticatedError ||
    err instanceof GRPCNotImplementedError ||
    err instanceof GRPCFailedPreconditionError ||
    err instanceof GRPCResourceExhastedError
  ) {
    return { type: 'fail', error: text('rejected') };
  }
  const label =
    err instanceof GRPCDeadlineExceededError
      ? 'timeout'
      : message.includes('etcdserver: leader changed')
        ? 'leader-changed'
        : message.includes('etcdserver: request timed out')
          ? 'server-timeout'
          : message.includes('etcdserver: no leader')
            ? 'no-leader'
            : err instanceof GRPCUnavailableError
              ? 'unavailable'
              : 'unknown';
  return { type: f === 'read' ? 'fail' : 'info', error: text(label) };
}

/** The etcd key that holds register `key`. */
export const registerKey = (key: string | number | undefined) => `register/${key ?? 'default'}`;

/**
 * The register workload on etcd's v3 API (the etcd3 library over gRPC). Reads are linearizable
 * (quorum) unless `readConsistency: 'serializable'`; cas is a transaction comparing the value.
 * One client talks to one node, with the library's retries and circuit breakers turned off: a
 * retried write would make one op take effect twice.
 */
export class EtcdRegisterClient implements Client {
  private etcd: Etcd3 | undefined;
  private node = '';
  private serializable = false;

  async open(cluster: Cluster, test: TestSpec, node: string): Promise<void> {
    const info = findNode(cluster, node);
    const o = registerOptions(test);
    this.node = node;
    this.serializable = o.readConsistency === 'serializable';
    this.etcd = new Etcd3({
      hosts: [clientUrl(info)],
      faultHandling: { host: () => noop, global: noop },
      defaultCallOptions: (call) => (call.isStream ? {} : { deadline: Date.now() + o.timeoutMs }),
    });
  }

  async invoke(op: Invocation): Promise<Completion> {
    const etcd = this.etcd;
    if (!etcd) throw new Error('invoke before open');
    const key = registerKey(op.key);
    try {
      switch (op.f) {
        case 'read': {
          const v = await etcd.get(key).serializable(this.serializable).string();
          return { type: 'ok', value: v === null ? null : Number(v) };
        }
        case 'write':
          await etcd.put(key).value(String(op.value));
          return { type: 'ok', value: op.value };
        case 'cas': {
          const [expected, next] = op.value as [unknown, unknown];
          const r = await etcd.if(key, 'Value', '==', String(expected)).then(etcd.put(key).value(String(next))).commit();
          return r.succeeded ? { type: 'ok', value: op.value } : { type: 'fail', value: op.value, error: `cas-mismatch: the value was not ${JSON.stringify(expected)}` };
        }
        default:
          return { type: 'fail', error: `unknown-f: the etcd register client does ${'read, write and cas'}, not ${JSON.stringify(op.f)}` };
      }
    } catch (err) {
      return classifyEtcdError(err, op.f);
    }
  }

  async close(): Promise<void> {
    this.etcd?.close();
    this.etcd = undefined;
  }

  toString(): string {
    return `etcd register client on ${this.node}`;
  }
}
