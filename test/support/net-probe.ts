import { connect } from 'node:net';
import type { Cluster } from '../../harness/cluster.ts';

/**
 * Which nodes can open a TCP connection to which (`matrix[a][b]`), each attempt made from inside
 * `a`'s network namespace with the host's bash (`/dev/tcp`), all at once, 1.5 s each.
 */
export async function tcpMatrix(cluster: Cluster, port: number): Promise<Record<string, Record<string, boolean>>> {
  const out: Record<string, Record<string, boolean>> = {};
  await Promise.all(
    cluster.nodes.map(async (from) => {
      const targets = cluster.nodes.filter((n) => n.name !== from.name);
      const script = targets.map((t) => `(timeout 1.5 bash -c 'exec 3<>/dev/tcp/${t.ip}/${port}' && echo ${t.name} ok || echo ${t.name} no) &`).join('\n') + '\nwait';
      const r = await cluster.netExec(from.name, ['bash', '-c', script], { timeoutMs: 15_000 });
      out[from.name] = Object.fromEntries(targets.map((t) => [t.name, new RegExp(`^${t.name} ok$`, 'm').test(r.stdout)]));
    }),
  );
  return out;
}

/** Whether a UDP datagram sent from `from` to `to` arrives (listener and sender run in the nodes' namespaces). */
export async function udpArrives(cluster: Cluster, from: string, to: string, port = 40_123): Promise<boolean> {
  const toIp = cluster.nodes.find((n) => n.name === to)!.ip;
  const listener = cluster.netExec(to, ['python3', '-c', `import socket\ns=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('0.0.0.0', ${port}))\ns.settimeout(4)\ntry:\n  print(s.recv(100).decode())\nexcept Exception:\n  print('none')`], { timeoutMs: 15_000 });
  // Sent for 3 s, so the listener (however slow to start) is bound before the last ones.
  await cluster.netExec(from, ['bash', '-c', `for i in $(seq 30); do echo hello > /dev/udp/${toIp}/${port}; sleep 0.1; done`], { timeoutMs: 15_000 });
  return (await listener).stdout.includes('hello');
}

/** The fraction of `attempts` TCP connects from the controller to ip:port that get no answer within `timeoutMs`. */
export async function connectFailureRate(ip: string, port: number, attempts: number, timeoutMs = 400): Promise<number> {
  let failed = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const s = connect({ host: ip, port });
      const done = (ok: boolean) => {
        if (!ok) failed++;
        clearTimeout(timer);
        s.destroy();
        resolve();
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
    });
  for (let i = 0; i < attempts; i += 25) await Promise.all(Array.from({ length: Math.min(25, attempts - i) }, one));
  return failed / attempts;
}

/** The host's own iptables rules (the controller's namespace), to show faults never touch them. */
export async function hostRulesMentioning(text: string): Promise<string[]> {
  const { execa } = await import('execa');
  const { sbinEnv } = await import('../../docker/host-tools.ts');
  const r = await execa('iptables', ['-w', '-S'], { reject: false, env: sbinEnv() });
  return String(r.stdout).split('\n').filter((l) => l.includes(text));
}
