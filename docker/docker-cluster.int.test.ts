import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runObjects } from '../test/support/run-objects.ts';
import { DockerCluster } from './docker-cluster.ts';
import { dockerClient } from './engine.ts';
import { LABEL } from './labels.ts';

const docker = dockerClient();
const ETCD = '^etcd --name';

/** A one-member etcd on `node`: a real TCP server to partition, kill and pause. */
async function startEtcd(cluster: DockerCluster, node: string): Promise<void> {
  const ip = cluster.nodes.find((n) => n.name === node)?.ip;
  await cluster.exec(node, ['sh', '-c', `exec etcd --name ${node} --data-dir /tmp/etcd --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls http://${ip}:2379 >/tmp/etcd.log 2>&1`], { detach: true });
  await waitFor(() => healthy(ip as string), 20_000);
}

async function healthy(ip: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const res = await fetch(`http://${ip}:2379/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Can `from` open a TCP connection to `to`:2379 (bash's /dev/tcp; the image has no nc)? */
async function connects(cluster: DockerCluster, from: string, toIp: string): Promise<boolean> {
  const r = await cluster.exec(from, ['timeout', '2', 'bash', '-c', `exec 3<>/dev/tcp/${toIp}/2379`], { timeoutMs: 10_000 });
  return r.exitCode === 0;
}

describe('DockerCluster', () => {
  let cluster: DockerCluster;

  beforeAll(async () => {
    cluster = await DockerCluster.create({ image: 'etcd', nodes: 3 });
  });

  afterAll(async () => {
    await cluster?.teardown();
  });

  it('labels a network and n1…nN with the run and the controller, at fixed addresses', async () => {
    expect(cluster.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3']);
    expect(cluster.nodes.map((n) => n.ip.split('.')[3])).toEqual(['11', '12', '13']);
    const objects = await runObjects(docker, cluster.runId);
    expect(objects.containers.sort()).toEqual([1, 2, 3].map((i) => `/faultline-${cluster.runId}-n${i}`));
    expect(objects.networks).toEqual([`faultline-${cluster.runId}`]);
    const info = await docker.getContainer(cluster.containerId('n2')).inspect();
    expect(info.Config.Labels[LABEL.pid]).toBe(String(process.pid));
    expect(info.Config.Labels[LABEL.node]).toBe('n2');
    expect(info.Config.Hostname).toBe('n2');
    expect(info.NetworkSettings.Networks[cluster.network.name]?.IPAddress).toBe(cluster.nodes[1]?.ip);
  });

  it('execs with output, exit code, stdin and env, and gives up on a hung command with a specific error', async () => {
    const r = await cluster.exec('n1', ['sh', '-c', 'echo out; echo err >&2; echo "$X"; hostname; exit 3'], { env: { X: 'from env' } });
    expect(r).toEqual({ exitCode: 3, stdout: 'out\nfrom env\nn1\n', stderr: 'err\n' });
    expect((await cluster.exec('n2', ['cat'], { stdin: 'piped in' })).stdout).toBe('piped in');
    expect((await cluster.exec('n3', ['getent', 'hosts', 'n1'])).stdout).toContain(cluster.nodes[0]?.ip);
    await expect(cluster.exec('n1', ['sleep', '30'], { timeoutMs: 300 })).rejects.toThrow('exec on n1 timed out after 300 ms: sleep 30');
    await waitFor(async () => (await cluster.countProcesses('n1', '^sleep 30$')) === 0, 5_000);
  });

  it('starts a detached command and keeps no socket open for it', async () => {
    const sockets = () => (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().filter((h) => h.constructor.name === 'Socket').length;
    const before = sockets();
    for (let i = 0; i < 5; i++) await cluster.exec('n2', ['sleep', '20'], { detach: true });
    await waitFor(async () => (await cluster.countProcesses('n2', '^sleep 20$')) === 5, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sockets()).toBeLessThanOrEqual(before);
    await cluster.exec('n2', ['pkill', '-x', 'sleep']);
  });

  it('partitions with iptables entered from the host, inside the node’s namespace only', async () => {
    await startEtcd(cluster, 'n1');
    const [n1, n2] = cluster.nodes.map((n) => n.ip) as [string, string];
    expect(await connects(cluster, 'n2', n1)).toBe(true);
    const add = await cluster.netExec('n1', ['iptables', '-w', '-A', 'INPUT', '-s', n2, '-j', 'DROP']);
    expect(add.exitCode).toBe(0);
    expect((await cluster.netExec('n1', ['iptables', '-w', '-S', 'INPUT'])).stdout).toContain(`-A INPUT -s ${n2}/32 -j DROP`);
    expect(await connects(cluster, 'n2', n1)).toBe(false);
    expect(await connects(cluster, 'n3', n1)).toBe(true);
    expect(await healthy(n1)).toBe(true); // the controller (gateway) is not cut off
    const host = await execa('iptables', ['-w', '-S'], { reject: false });
    expect(String(host.stdout)).not.toContain(n2);
    await cluster.netExec('n1', ['iptables', '-w', '-F']);
    expect(await connects(cluster, 'n2', n1)).toBe(true);
  });

  it('kills and restarts the database process without losing the node', async () => {
    const ip = cluster.nodes[0]?.ip as string;
    expect(await cluster.countProcesses('n1', ETCD)).toBe(1);
    expect(await cluster.signal('n1', ETCD, 'KILL')).toBe(1);
    await waitFor(async () => (await cluster.countProcesses('n1', ETCD)) === 0, 5_000);
    expect((await docker.getContainer(cluster.containerId('n1')).inspect()).State.Running).toBe(true);
    expect(await healthy(ip)).toBe(false);
    await startEtcd(cluster, 'n1');
    expect(await cluster.countProcesses('n1', ETCD)).toBe(1);
    expect(await cluster.signal('n1', 'no such process here', 'KILL')).toBe(0);
  });

  it('pauses and unpauses a node (cgroup freezer), idempotently', async () => {
    const ip = cluster.nodes[0]?.ip as string;
    await cluster.pause('n1');
    await cluster.pause('n1');
    expect((await docker.getContainer(cluster.containerId('n1')).inspect()).State.Paused).toBe(true);
    expect(await healthy(ip, 1_500)).toBe(false);
    await cluster.unpause('n1');
    await cluster.unpause('n1');
    await waitFor(() => healthy(ip), 10_000);
  });

  it('writes, reads and copies files out', async () => {
    await cluster.writeFile('n3', '/var/log/app/deep/state.txt', 'line 1\nline 2\n');
    expect((await cluster.readFile('n3', '/var/log/app/deep/state.txt')).toString()).toBe('line 1\nline 2\n');
    const dest = mkdtempSync(join(tmpdir(), 'copy-out-'));
    await cluster.copyOut('n3', '/var/log/app/deep/state.txt', join(dest, 'n3'));
    expect(readFileSync(join(dest, 'n3', 'state.txt'), 'utf8')).toBe('line 1\nline 2\n');
    await cluster.copyOut('n3', '/var/log/app', join(dest, 'dir'));
    expect(readFileSync(join(dest, 'dir', 'app', 'deep', 'state.txt'), 'utf8')).toBe('line 1\nline 2\n');
    await expect(cluster.readFile('n3', '/no/such/file')).rejects.toThrow('no /no/such/file on n3');
    await expect(cluster.exec('n9', ['true'])).rejects.toThrow(/no node "n9"/);
  });

  it('tears down everything it created, idempotently', async () => {
    await cluster.teardown();
    await cluster.teardown();
    expect(await runObjects(docker, cluster.runId)).toEqual({ containers: [], networks: [] });
  });
});

describe('DockerCluster failures', () => {
  it('removes a node that fails its readiness wait, and the rest of the run, before rethrowing', async () => {
    const runId = `fail-${Date.now().toString(36)}`;
    await expect(DockerCluster.create({ image: 'etcd', nodes: 2, runId, keepAlive: ['false'], readyTimeoutMs: 5_000 })).rejects.toThrow(
      /node n[12] stopped right after starting \(status exited, exit 1\)/,
    );
    expect(await runObjects(docker, runId)).toEqual({ containers: [], networks: [] });
  });

  it('refuses bad sizes and unknown images before creating anything', async () => {
    await expect(DockerCluster.create({ image: 'etcd', nodes: 0 })).rejects.toThrow(/--nodes must be an integer from 1 to 200, got 0/);
    await expect(DockerCluster.create({ image: 'nosuchdb', nodes: 1 })).rejects.toThrow(/no image "nosuchdb": .*docker\/nosuchdb\/Dockerfile does not exist/);
  });
});
