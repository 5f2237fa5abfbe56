import type { Cluster } from '../harness/cluster.ts';

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
