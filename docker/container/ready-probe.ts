import { connect } from 'node:net';
import type { Cluster, NodeInfo } from '../../harness/cluster.ts';
import { lastLine } from '../server-process.ts';
import type { ReadyProbe } from './container-spec.ts';

/** One attempt of a probe may take this long before it counts as a failure. */
const ATTEMPT_MS = 2_000;

/**
 * One readiness attempt on `node`: resolves when it is ready, rejects with what was seen. TCP
 * and HTTP go from the controller to the node's own address (the only place a run sends
 * traffic); a command runs inside the node.
 */
export async function probeOnce(probe: ReadyProbe, cluster: Cluster, node: NodeInfo, port: number): Promise<void> {
  if ('tcp' in probe) return tcpConnect(node.ip, port);
  if ('http' in probe) {
    const url = `http://${node.ip}:${port}${probe.http}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(ATTEMPT_MS) }).catch((err: Error) => {
      throw new Error(`GET ${url}: ${(err.cause as { code?: string } | undefined)?.code ?? err.message}`);
    });
    await res.body?.cancel();
    if (res.status < 200 || res.status > 299) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return;
  }
  const argv = typeof probe.command === 'string' ? ['sh', '-c', probe.command] : [...probe.command];
  const r = await cluster.exec(node.name, argv, { timeoutMs: ATTEMPT_MS * 5 });
  if (r.exitCode !== 0) throw new Error(`ready command exited ${r.exitCode}${r.stderr.trim() || r.stdout.trim() ? `: ${lastLine(r.stderr.trim() || r.stdout)}` : ''}`);
}

function tcpConnect(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: ATTEMPT_MS });
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`TCP ${host}:${port}: ${why}`));
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail(`no answer within ${ATTEMPT_MS} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}
