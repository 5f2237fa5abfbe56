import { execaSync } from 'execa';
import type { Cluster } from '../harness/cluster.ts';
import { sbinEnv } from '../docker/engine.ts';

let probed: { unavailable?: string } | undefined;

/**
 * Why `tc qdisc … netem` cannot work on this kernel, or undefined when it can. Tried once per
 * process in a throwaway network namespace (`unshare --net`), so nothing real is touched; the
 * containers share this kernel, so the answer holds for them too.
 */
export function netemUnavailable(): string | undefined {
  if (!probed) {
    const r = execaSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up && tc qdisc add dev lo root netem delay 1ms'], { reject: false, env: sbinEnv(), timeout: 10_000 });
    const why = String(r.stderr ?? '').trim().split('\n')[0] || r.shortMessage || `exit ${r.exitCode}`;
    probed = r.exitCode === 0 ? {} : { unavailable: /unknown|No such file/i.test(why) ? `this kernel has no sch_netem (tc says: ${why})` : `tc netem failed: ${why}` };
  }
  return probed.unavailable;
}

/** The node's network interfaces other than loopback (`eth0`). */
export async function interfaces(cluster: Cluster, node: string): Promise<string[]> {
  const r = await cluster.netExec(node, ['ip', '-o', 'link', 'show'], { timeoutMs: 10_000 });
  if (r.exitCode !== 0) throw new Error(`ip link on ${node} failed: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'lo');
}

/** Puts `netem ARGS` as the root qdisc of every interface of `node` (replacing what was there). */
export async function setNetem(cluster: Cluster, node: string, args: readonly string[]): Promise<void> {
  for (const dev of await interfaces(cluster, node)) {
    const r = await cluster.netExec(node, ['tc', 'qdisc', 'replace', 'dev', dev, 'root', 'netem', ...args], { timeoutMs: 10_000 });
    if (r.exitCode !== 0) throw new Error(`tc netem on ${node} ${dev} failed: ${r.stderr.trim()}`);
  }
}

/** Removes faultline's root qdisc from every interface of `node`; none there is fine. */
export async function clearNetem(cluster: Cluster, node: string): Promise<void> {
  for (const dev of await interfaces(cluster, node)) {
    const r = await cluster.netExec(node, ['tc', 'qdisc', 'del', 'dev', dev, 'root'], { timeoutMs: 10_000 });
    if (r.exitCode !== 0 && !/No such file|handle of zero|Invalid handle/i.test(r.stderr)) throw new Error(`tc qdisc del on ${node} ${dev} failed: ${r.stderr.trim()}`);
  }
}
