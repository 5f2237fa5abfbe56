import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { controllerLabels, controllerLiveness } from '../docker/labels.ts';
import { PARTITION_CHAIN } from '../nemesis/partition.ts';
import { usePracticeHosts } from '../test/support/practice-hosts.ts';
import { cleanHosts } from './clean-hosts.ts';
import { HostConnection } from './connection.ts';
import { chainTag } from './host-net.ts';
import { SshCluster } from './ssh-cluster.ts';

// A controller stopped with Ctrl-C tears its own run down (the cluster's shutdown hook). One
// SIGKILLed mid-run leaves processes, rules and run directories on its hosts; cleanHosts
// (`faultline clean --inventory FILE`) removes them, and spares a run that is alive.

const lab = usePracticeHosts(2);
const fixture = fileURLToPath(new URL('../test/fixtures/orphan-ssh-run.ts', import.meta.url));

/** What run `runId` has on each host: its processes, its chains (with rules), its run directory. */
async function state(runId: string): Promise<Record<string, { processes: number; chainLines: number; dir: boolean }>> {
  const out: Record<string, { processes: number; chainLines: number; dir: boolean }> = {};
  for (const h of lab.inventory.hosts) {
    const conn = await HostConnection.open(h, { knownHostsFile: lab.inventory.knownHosts!, acceptNewHostKeys: false });
    const script = `pgrep -fc '^sleep 360[01]$'; iptables -w -S | grep -c -- '-${chainTag(runId)}'; test -d /var/lib/faultline/runs/${runId} && echo yes || echo no`;
    const [p, c, d] = (await conn.run(script, { timeoutMs: 10_000, what: 'state' })).stdout.toString().trim().split('\n');
    conn.close();
    out[h.name] = { processes: Number(p), chainLines: Number(c), dir: d === 'yes' };
  }
  return out;
}

/** Starts the fixture controller for `runId` and waits until its run is in place on every host. */
async function controller(runId: string, ...flags: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, lab.up.inventory, runId, ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes(`ready ${runId}`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the controller exited (${code}) before it was ready`)));
  });
  return child;
}

describe('a controller stopped with Ctrl-C', () => {
  it('tears its run down itself: no process, rule or run directory is left', async () => {
    const runId = `clean-sigint-${process.pid}`;
    const child = await controller(runId, '--handle-signals');
    expect(await state(runId)).toEqual({ n1: { processes: 2, chainLines: 3, dir: true }, n2: { processes: 2, chainLines: 3, dir: true } });
    child.kill('SIGINT');
    // 130: the shutdown handlers ran the teardown hook and exited, rather than the signal killing it.
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(130);
    expect(await state(runId)).toEqual({ n1: { processes: 0, chainLines: 0, dir: false }, n2: { processes: 0, chainLines: 0, dir: false } });
  });
});

describe('cleanHosts', () => {
  it('removes everything a SIGKILLed controller left, and spares a live run', async () => {
    const live = await SshCluster.connect({ inventory: lab.inventory, runId: `clean-live-${process.pid}`, faults: true, controller: controllerLabels(`clean-live-${process.pid}`), log: () => undefined });
    await PARTITION_CHAIN.install(live, 'n1');
    const runId = `clean-orphan-${process.pid}`;
    const child = await controller(runId);
    try {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // It died with everything in place: two processes, a chain (hook, declaration, rule) and a run directory per host.
      expect(await state(runId)).toEqual({ n1: { processes: 2, chainLines: 3, dir: true }, n2: { processes: 2, chainLines: 3, dir: true } });

      // Without a way to tell live from dead, nothing is removed.
      const cautious = await cleanHosts(lab.inventory);
      expect(cautious.removed).toEqual([]);
      expect(cautious.spared.map((s) => s.why)).toContain('nothing says whether its controller still runs (--all removes it)');

      const report = await cleanHosts(lab.inventory, { liveness: (labels) => controllerLiveness(labels) });
      expect(report.problems).toEqual([]);
      expect(report.processesLeft).toBe(0);
      expect(report.removed.sort((a, b) => a.node.localeCompare(b.node))).toEqual([
        { node: 'n1', runId },
        { node: 'n2', runId },
      ]);
      expect(report.spared.sort((a, b) => a.node.localeCompare(b.node))).toEqual([
        { node: 'n1', runId: live.runId, why: 'its controller is still running' },
        { node: 'n2', runId: live.runId, why: 'its controller is still running' },
      ]);
      expect(await state(runId)).toEqual({ n1: { processes: 0, chainLines: 0, dir: false }, n2: { processes: 0, chainLines: 0, dir: false } });
      // The live run still has its chain and can still work.
      expect((await live.netExec('n1', ['iptables', '-w', '-S', 'faultline-partition'])).exitCode).toBe(0);
      expect((await live.exec('n2', ['true'])).exitCode).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await live.teardown();
    }
  });

  it('removes a chain whose run directory is already gone, and with all, every run', async () => {
    const cluster = await SshCluster.connect({ inventory: lab.inventory, runId: `clean-all-${process.pid}`, faults: true, log: () => undefined });
    await PARTITION_CHAIN.install(cluster, 'n2');
    await cluster.exec('n1', ['sleep', '3600'], { detach: true });
    // A teardown cut short after the run directory went: only the chain is left.
    await cluster.exec('n2', ['rm', '-rf', cluster.runDir('n2')]);
    const report = await cleanHosts(lab.inventory, { all: true });
    expect(report.removed).toEqual([{ node: 'n1', runId: cluster.runId }]);
    expect(report.orphanChains).toEqual([{ node: 'n2', chain: `faultline-partition-${chainTag(cluster.runId)}` }]);
    expect(await state(cluster.runId)).toEqual({ n1: { processes: 0, chainLines: 0, dir: false }, n2: { processes: 0, chainLines: 0, dir: false } });
    // Its own teardown now finds nothing left, and says nothing is wrong.
    await cluster.teardown();
  });

  it('sees the runs of every user on a host: a live run logged in through sudo keeps its chain when root cleans', async () => {
    const viaSudo = { ...lab.inventory, hosts: lab.inventory.hosts.map((h) => ({ ...h, user: 'faultline', sudo: true })) };
    const runId = `clean-sudo-${process.pid}`;
    const other = await SshCluster.connect({ inventory: viaSudo, runId, faults: true, controller: controllerLabels(runId), log: () => undefined });
    try {
      expect(other.runDir('n1')).toBe(`/home/faultline/.faultline/runs/${runId}`);
      await PARTITION_CHAIN.install(other, 'n1');
      const report = await cleanHosts(lab.inventory, { liveness: (labels) => controllerLiveness(labels) });
      expect(report.orphanChains).toEqual([]);
      expect(report.spared).toContainEqual({ node: 'n1', runId, why: 'its controller is still running' });
      expect((await other.netExec('n1', ['iptables', '-w', '-S', 'faultline-partition'])).exitCode).toBe(0);
    } finally {
      await other.teardown();
    }
  });

  it('reports a host it cannot reach and still cleans the others', async () => {
    const hosts = [...lab.inventory.hosts, { ...lab.inventory.hosts[0]!, name: 'n9', address: '127.0.0.1', port: 1 }];
    const report = await cleanHosts({ ...lab.inventory, hosts });
    expect(report.problems).toEqual(['n9 (root@127.0.0.1:1): cannot connect: connection refused (is sshd listening on port 1?)']);
  });
});
