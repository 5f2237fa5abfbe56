import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../harness/errors.ts';
import { Random } from '../harness/random.ts';
import { silentLogger } from '../harness/logger.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import { MIN_NODES, TOPOLOGIES, type Grudge } from '../nemesis/grudge.ts';
import type { NemesisContext } from '../harness/nemesis.ts';
import { clearNetem, interfaces, setNetem } from '../nemesis/netem.ts';
import { PACKET_CHAIN, PacketNemesis } from '../nemesis/packet.ts';
import { PARTITION_CHAIN, PartitionNemesis } from '../nemesis/partition.ts';
import { fakeDatabase } from '../test/support/fake-cluster.ts';
import { usePracticeHosts } from '../test/support/practice-hosts.ts';
import { HostConnection } from './connection.ts';
import { chainTag } from './host-net.ts';
import type { Inventory } from './inventory.ts';
import { SshCluster } from './ssh-cluster.ts';

// The Cluster contract on practice hosts, reached only over SSH: once logged in as root, once as a
// user with passwordless sudo. Faults are checked by what they do (TCP connects between hosts).

const lab = usePracticeHosts(3);

/** The practice hosts as another user of their image: `faultline` (with `sudo: true`) or `plain`. */
function as(user: 'faultline' | 'plain', sudo: boolean): Inventory {
  return { ...lab.inventory, hosts: lab.inventory.hosts.map((h) => ({ ...h, user, sudo })) };
}

/** Whether `from` completes a TCP connect to `to`'s sshd within 1.5 s. */
async function connects(cluster: SshCluster, from: string, to: string): Promise<boolean> {
  const ip = cluster.nodes.find((n) => n.name === to)!.ip;
  const r = await cluster.exec(from, ['timeout', '1.5', 'bash', '-c', `exec 3<>/dev/tcp/${ip}/22`], { timeoutMs: 10_000 });
  return r.exitCode === 0;
}

/** What is left on a host of run `runId`, seen over a fresh connection as root: processes, chains, the run directory. */
async function leftovers(node: string, runId: string, dir: string): Promise<string> {
  const host = lab.inventory.hosts.find((h) => h.name === node)!;
  const conn = await HostConnection.open(host, { knownHostsFile: lab.inventory.knownHosts!, acceptNewHostKeys: false });
  try {
    const script = `ps -eo args= | grep -E 'faultline-test-marker|sleep 4[0-9]{3}' | grep -v grep; iptables -w -S | grep -- '-${chainTag(runId)}'; ls -d ${dir} 2>/dev/null; true`;
    return (await conn.run(script, { timeoutMs: 10_000, what: 'leftovers' })).stdout.toString().trim();
  } finally {
    conn.close();
  }
}

describe.each([
  ['root', () => lab.inventory],
  ['sudo', () => as('faultline', true)],
])('the Cluster contract over SSH, logged in as %s (as root or through passwordless sudo)', (who, inventory) => {
  let cluster: SshCluster;
  const runId = `ssh-int-${process.pid}-${who}`;
  const spec: TestSpec = { name: 'ssh-int', db: 'fake', workload: 'register', nodes: 3, concurrency: 1, rate: 0, timeLimit: 1, nemesis: [], nemesisInterval: 1, recovery: 0, seed: 1, options: {} };
  let ctx: NemesisContext;

  beforeAll(async () => {
    cluster = await SshCluster.connect({ inventory: inventory(), runId, faults: true, log: () => undefined });
    ctx = { cluster, db: fakeDatabase('fake'), test: spec, random: Random.fromSeed(7).stream(), log: silentLogger };
  });

  afterAll(async () => {
    await cluster?.teardown();
  });

  it('exec: output, exit code, stdin, and an environment that never shows in any argv', async () => {
    expect(await cluster.exec('n1', ['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await cluster.exec('n2', ['cat'], { stdin: 'piped\n' })).stdout).toBe('piped\n');
    expect((await cluster.exec('n1', ['id', '-un'])).stdout.trim()).toBe('root');
    expect((await cluster.exec('n1', ['id', '-un'], { user: 'plain' })).stdout.trim()).toBe('plain');
    const secret = `s3cret-${process.pid}`;
    const holder = cluster.exec('n3', ['sh', '-c', 'sleep 1; printf %s "$TOKEN"', 'faultline-test-marker'], { env: { TOKEN: secret } });
    await new Promise((r) => setTimeout(r, 300));
    const ps = await cluster.exec('n3', ['ps', '-eo', 'args=']);
    expect(ps.stdout).toContain('faultline-test-marker');
    expect(ps.stdout).not.toContain(secret);
    expect((await holder).stdout).toBe(secret);
  });

  it('exec with a timeout kills the remote command and its children', async () => {
    const started = Date.now();
    await expect(cluster.exec('n1', ['sh', '-c', 'sleep 4001 & sleep 4002'], { timeoutMs: 1_000 })).rejects.toThrow(/exec sh -c sleep 4001 & sleep 4002 on n1 timed out after 1000 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await cluster.exec('n1', ['sh', '-c', 'pgrep -f "sleep 400[12]" || true'])).stdout).toBe('');
  });

  it('detached starts are supervised: counted and signalled by pattern, and nothing else is', async () => {
    await cluster.exec('n2', ['sh', '-c', 'sleep 4101 & exec sleep 4102'], { detach: true });
    // Started, then moved to a session of its own and orphaned: not the run's any more.
    await cluster.exec('n2', ['sh', '-c', 'setsid sleep 4103 < /dev/null > /dev/null 2>&1 &']);
    await expect.poll(() => cluster.countProcesses('n2', '^sleep 410[123]$')).toBe(2);
    expect((await cluster.exec('n2', ['pgrep', '-f', '^sleep 4103$'])).stdout.trim()).not.toBe('');
    expect(await cluster.signal('n2', '^sleep 4101$', 'KILL')).toBe(1);
    await expect.poll(() => cluster.countProcesses('n2', '^sleep 410')).toBe(1);
    expect(await cluster.signal('n2', '^sleep 4103$', 'KILL')).toBe(0);
    await cluster.exec('n2', ['pkill', '-f', '^sleep 4103$']);
    await expect(cluster.countProcesses('n2', '(')).rejects.toThrow('process pattern "(" is not a regular expression');
  });

  it('pause stops the run\'s process trees (every thread), unpause resumes them', async () => {
    await cluster.exec('n3', ['sh', '-c', 'while :; do date +%s%N >> /tmp/faultline-ticks; sleep 0.05; done'], { detach: true });
    const lines = async () => (await cluster.readFile('n3', '/tmp/faultline-ticks')).toString().split('\n').length;
    await expect.poll(lines).toBeGreaterThan(3);
    await cluster.pause('n3');
    const states = (await cluster.exec('n3', ['sh', '-c', 'ps -eo stat=,args= | grep "while :" | grep -v grep'])).stdout;
    expect(states).toMatch(/^T/);
    const frozen = await lines();
    await new Promise((r) => setTimeout(r, 500));
    expect(await lines()).toBe(frozen);
    await cluster.unpause('n3');
    await expect.poll(lines).toBeGreaterThan(frozen + 2);
    expect(await cluster.signal('n3', 'while :', 'KILL')).toBe(1);
  });

  it('writeFile, readFile and copyOut move bytes both ways; missing files are named', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0x27, 0x22]);
    await cluster.writeFile('n1', '/tmp/faultline-int/a/bin', bytes);
    expect(await cluster.readFile('n1', '/tmp/faultline-int/a/bin')).toEqual(bytes);
    await cluster.writeFile('n1', '/tmp/faultline-int/a/b/text', 'hello\n');
    const dest = mkdtempSync(join(lab.work, 'copy-'));
    await cluster.copyOut('n1', '/tmp/faultline-int/a', dest);
    expect(readFileSync(join(dest, 'a', 'b', 'text'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(dest, 'a', 'bin'))).toEqual(bytes);
    await expect(cluster.readFile('n1', '/tmp/faultline-int/none')).rejects.toThrow('no /tmp/faultline-int/none on n1');
    await expect(cluster.copyOut('n1', '/tmp/faultline-int/none', dest)).rejects.toThrow('no /tmp/faultline-int/none on n1');
    // A detached process's output is collected in the run directory.
    await cluster.exec('n1', ['sh', '-c', 'echo logged'], { detach: true });
    await expect(cluster.readFile('n1', `${cluster.runDir('n1')}/logs`)).rejects.toThrow(`${cluster.runDir('n1')}/logs on n1 is not a regular file`);
    const logs = mkdtempSync(join(lab.work, 'logs-'));
    await expect.poll(async () => {
      await cluster.copyOut('n1', `${cluster.runDir('n1')}/logs`, logs);
      return readdirSync(join(logs, 'logs')).map((f) => readFileSync(join(logs, 'logs', f), 'utf8')).join('');
    }).toContain('logged\n');
  });

  it('a partition (the real nemesis) really drops traffic between the cut hosts, and heals', async () => {
    const nemesis = new PartitionNemesis();
    await nemesis.setup(ctx);
    try {
      expect(await connects(cluster, 'n1', 'n2')).toBe(true);
      const r = await nemesis.invoke({ f: 'start-partition', value: { topology: 'one' } }, ctx);
      const [[alone], rest] = (r.value as { components: string[][] }).components as [[string], string[]];
      for (const other of rest) {
        expect(await connects(cluster, alone, other), `${alone} → ${other}`).toBe(false);
        expect(await connects(cluster, other, alone), `${other} → ${alone}`).toBe(false);
      }
      expect(await connects(cluster, rest[0]!, rest[1]!)).toBe(true);
      // The controller still reaches every host.
      for (const n of cluster.nodes) expect((await cluster.exec(n.name, ['true'])).exitCode).toBe(0);
      const rules = await PARTITION_CHAIN.rules(cluster, alone);
      expect(rules).toHaveLength(2);
      const raw = await cluster.exec(alone, ['iptables', '-w', '-S']);
      expect(raw.stdout).toContain(`-A INPUT -j faultline-partition-${chainTag(runId)}`);
      await nemesis.invoke({ f: 'stop-partition', value: null }, ctx);
      expect(await PARTITION_CHAIN.rules(cluster, alone)).toEqual([]);
      expect(await connects(cluster, alone, rest[0]!)).toBe(true);
    } finally {
      await nemesis.teardown(ctx);
    }
    for (const n of cluster.nodes) expect((await cluster.exec(n.name, ['iptables', '-w', '-S'])).stdout).not.toContain('faultline');
  });

  it('every partition topology the nemesis draws on three hosts installs exactly its grudge, and heals', async () => {
    const nemesis = new PartitionNemesis();
    const ip = new Map(cluster.nodes.map((n) => [n.name, n.ip]));
    await nemesis.setup(ctx);
    try {
      // primaries needs a database that names its leaders; the fake one does not.
      for (const topology of TOPOLOGIES.filter((t) => t !== 'primaries' && MIN_NODES[t] <= cluster.nodes.length)) {
        const { grudge } = (await nemesis.invoke({ f: 'start-partition', value: { topology } }, ctx)).value as { grudge: Grudge };
        for (const n of cluster.nodes) {
          const want = (grudge[n.name] ?? []).map((from) => `-A faultline-partition -s ${ip.get(from)}/32 -j DROP`).sort();
          expect((await PARTITION_CHAIN.rules(cluster, n.name)).sort(), `${topology} on ${n.name}`).toEqual(want);
        }
      }
      await nemesis.invoke({ f: 'stop-partition', value: null }, ctx);
      for (const n of cluster.nodes) expect(await PARTITION_CHAIN.rules(cluster, n.name)).toEqual([]);
    } finally {
      await nemesis.teardown(ctx);
    }
  });

  it('netem\'s own commands: the interface listing runs, tc is refused with the reason, clearing is a no-op, nothing changes', async () => {
    expect(await interfaces(cluster, 'n1')).toContain('eth0');
    await expect(setNetem(cluster, 'n1', ['delay', '50ms'])).rejects.toThrow(/netExec on n1 \(an SSH host\): tc netem on a host would shape all of its traffic.*refused: tc qdisc replace dev eth0 root netem delay 50ms/);
    const before = (await cluster.exec('n1', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout;
    expect(before).not.toContain('netem');
    // The heal after a refused delay clears netem: nothing of faultline's to remove, and the host's own qdisc stays.
    await clearNetem(cluster, 'n1');
    expect((await cluster.exec('n1', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).toBe(before);
  });

  it('packet loss drops only traffic from the other test hosts, never the controller\'s', async () => {
    const nemesis = new PacketNemesis();
    await nemesis.setup(ctx);
    try {
      await nemesis.invoke({ f: 'start-packet', value: { behaviour: 'loss', selector: 'all', probability: 1 } }, ctx);
      expect(await PACKET_CHAIN.rules(cluster, 'n1')).toHaveLength(2);
      expect(await connects(cluster, 'n2', 'n1')).toBe(false);
      expect((await cluster.exec('n1', ['true'])).exitCode).toBe(0);
    } finally {
      await nemesis.teardown(ctx);
    }
    expect(await connects(cluster, 'n2', 'n1')).toBe(true);
  });

  it('refuses a rule against the controller\'s own address', async () => {
    const controller = cluster.controllerAddress('n1');
    expect(controller).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await PARTITION_CHAIN.install(cluster, 'n1');
    await expect(PARTITION_CHAIN.replace(cluster, 'n1', [['-s', controller, '-j', 'DROP']])).rejects.toThrow(`${controller} is not the address of another test host`);
    await PARTITION_CHAIN.remove(cluster, 'n1');
  });

  it('teardown leaves no process, rule or run directory behind', async () => {
    for (const n of cluster.nodes) {
      await cluster.exec(n.name, ['sh', '-c', 'exec sleep 4201'], { detach: true });
      await PARTITION_CHAIN.install(cluster, n.name);
    }
    const dirs = cluster.nodes.map((n) => cluster.runDir(n.name));
    expect(await leftovers('n1', runId, dirs[0]!)).not.toBe('');
    await cluster.teardown();
    await cluster.teardown();
    for (const [i, n] of cluster.nodes.entries()) expect(await leftovers(n.name, runId, dirs[i]!)).toBe('');
    await expect(cluster.exec('n1', ['true'])).rejects.toThrow();
  });
});

describe('a user without sudo', () => {
  it('runs commands as itself, and network faults are refused before any run state, naming every host', async () => {
    const err = await SshCluster.connect({ inventory: as('plain', false), faults: true, log: () => undefined }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message.split('\n')).toEqual([
      'cannot run on these hosts:',
      ...lab.inventory.hosts.map((h) => `  - ${h.name} (plain@${h.address}:22): network faults need root (iptables), but plain is not root and the inventory does not say sudo: true for this host`),
    ]);
    const cluster = await SshCluster.connect({ inventory: as('plain', false), log: () => undefined });
    try {
      expect(cluster.runDir('n1')).toBe(`/home/plain/.faultline/runs/${cluster.runId}`);
      expect((await cluster.exec('n1', ['id', '-un'])).stdout.trim()).toBe('plain');
      await expect(cluster.exec('n1', ['id'], { user: 'root' })).rejects.toThrow('exec as root on n1 needs root, and plain is not root and has no sudo (set sudo: true for it in the inventory)');
      await expect(PARTITION_CHAIN.install(cluster, 'n1')).rejects.toThrow('netExec on n1 needs root');
    } finally {
      await cluster.teardown();
    }
  });

  it('says so where the inventory asks for sudo the user does not have', async () => {
    const err = await SshCluster.connect({ inventory: as('plain', true), log: () => undefined }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('n1 (plain@');
    expect((err as Error).message).toMatch(/the inventory says sudo: true, but `sudo -n true` fails as plain: .*(password is required|not in the sudoers|may not run sudo)/);
    for (const h of lab.inventory.hosts) expect(await leftovers(h.name, 'none', '/home/plain/.faultline/runs/*')).toBe('');
  });
});
