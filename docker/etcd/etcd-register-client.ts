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
import { defineClient } from '../../harness/client.ts';
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

interface EtcdConnection {
  etcd: Etcd3;
  serializable: boolean;
}

/**
 * The register workload on etcd's v3 API (the etcd3 library over gRPC). Reads are linearizable
 * (quorum) unless `readConsistency: 'serializable'`; cas is a transaction comparing the value.
 * One client talks to one node, with the library's retries and circuit breakers turned off: a
 * retried write would make one op take effect twice.
 */
export const etcdRegisterClient = defineClient<EtcdConnection>({
  name: 'etcd register client',
  open({ node, test }) {
    const o = registerOptions(test);
    const etcd = new Etcd3({
      hosts: [clientUrl(node)],
      faultHandling: { host: () => noop, global: noop },
      defaultCallOptions: (call) => (call.isStream ? {} : { deadline: Date.now() + o.timeoutMs }),
    });
    return { etcd, serializable: o.readConsistency === 'serializable' };
  },
  async invoke({ etcd, serializable }, op) {
    const key = registerKey(op.key);
    try {
      switch (op.f) {
        case 'read': {
          const v = await etcd.get(key).serializable(serializable).string();
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
  },
  close({ etcd }) {
    etcd.close();
  },
});
