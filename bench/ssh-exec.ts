// npm run bench:ssh-exec — what a command and a fault cost through the SSH backend, next to the
// Docker backend, on this machine: 3 practice hosts (sshd in containers, reached only over SSH)
// and 3 Docker nodes, measured in interleaved rounds so machine load hits both alike.
//   1. exec round trip of `true`: SSH through faultline's launcher (session, records, timeout),
//      a bare SSH channel (what the launcher adds), `docker exec`; one at a time and 8 at once.
//   2. per-fault latency: the partition nemesis's start-partition (one node cut off) and
//      stop-partition, from invoke to return (every iptables rule installed; each start is then
//      checked to be in effect: a TCP connect from the cut node gets no answer).
//   3. set-up: practice hosts up, SshCluster.connect, DockerCluster.create.
// Options: --rounds N (default 10; each round is 20 execs per way and 2 faults per backend).
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster } from '../harness/cluster.ts';
import { DockerCluster } from '../docker/docker-cluster.ts';
import { Random } from '../harness/random.ts';
import { silentLogger } from '../harness/logger.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import { PartitionNemesis } from '../nemesis/partition.ts';
import { HostConnection } from '../ssh/connection.ts';
import { loadInventory } from '../ssh/inventory.ts';
import { hostsDown, hostsUp } from '../ssh/practice-hosts.ts';
import { SshCluster } from '../ssh/ssh-cluster.ts';
import { fakeDatabase } from '../test/support/fake-cluster.ts';
import { practiceEngine } from '../test/support/practice-hosts.ts';

const argv = process.argv.slice(2);
const i = argv.indexOf('--rounds');
const ROUNDS = i >= 0 ? Number(argv[i + 1]) : 10;
const EXECS = 20;

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const timed = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `p50 ${q(0.5).toFixed(1).padStart(6)} ms   p90 ${q(0.9).toFixed(1).padStart(6)} ms   mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(1).padStart(6)} ms   (n=${s.length})`;
};

/** Whether `from` gets any answer (a connect, or a refusal) from `to` on port 22 within 1 s. */
async function answers(cluster: Cluster, from: string, to: string): Promise<boolean> {
  const ip = cluster.nodes.find((n) => n.name === to)!.ip;
  const r = await cluster.exec(from, ['timeout', '1', 'bash', '-c', `exec 3<>/dev/tcp/${ip}/22`], { timeoutMs: 10_000 });
  return r.exitCode !== 124;
}

const work = await mkdtemp(join(tmpdir(), 'faultline-bench-ssh-'));
console.log(`bench:ssh-exec — ${ROUNDS} interleaved rounds; load average at start ${load()} (2 cores, shared with other work: compare the columns, not the absolute figures)`);
const engine = await practiceEngine();
let ssh: SshCluster | undefined;
let docker: DockerCluster | undefined;
let raw: HostConnection | undefined;
const practiceStart = performance.now();
const practice = await hostsUp({ count: 3, out: join(work, 'inventory.yaml'), engine });
const upMs = performance.now() - practiceStart;
try {
  const inventory = loadInventory(practice.inventory);
  const connectMs = await timed(async () => (ssh = await SshCluster.connect({ inventory, faults: true, log: () => undefined })));
  const createMs = await timed(async () => (docker = await DockerCluster.create({ image: 'etcd', nodes: 3, log: () => undefined })));
  raw = await HostConnection.open(inventory.hosts[0]!, { knownHostsFile: inventory.knownHosts!, acceptNewHostKeys: false });
  const spec: TestSpec = { name: 'bench', db: 'fake', workload: 'register', nodes: 3, concurrency: 1, rate: 0, timeLimit: 1, nemesis: [], nemesisInterval: 1, recovery: 0, seed: 1, options: {} };
  const ctx = (cluster: Cluster) => ({ cluster, db: fakeDatabase('fake'), test: spec, random: Random.fromSeed(1).stream(), log: silentLogger });
  const backends = { ssh: { cluster: ssh!, ctx: ctx(ssh!), nemesis: new PartitionNemesis() }, docker: { cluster: docker!, ctx: ctx(docker!), nemesis: new PartitionNemesis() } };
  for (const b of Object.values(backends)) await b.nemesis.setup(b.ctx);

  const exec = { ssh: [] as number[], bare: [] as number[], docker: [] as number[] };
  const parallel = { ssh: [] as number[], docker: [] as number[] };
  const fault = { ssh: { start: [] as number[], stop: [] as number[], inEffect: 0 }, docker: { start: [] as number[], stop: [] as number[], inEffect: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < EXECS; k++) {
      exec.ssh.push(await timed(() => ssh!.exec('n1', ['true'])));
      exec.bare.push(await timed(() => raw!.run('true', { timeoutMs: 10_000, what: 'true' })));
      exec.docker.push(await timed(() => docker!.exec('n1', ['true'])));
    }
    for (const [name, cluster] of [['ssh', ssh!], ['docker', docker!]] as const) {
      const ms = await timed(() => Promise.all(Array.from({ length: 8 }, () => cluster.exec('n1', ['true']))));
      parallel[name].push(ms);
    }
    for (const name of ['ssh', 'docker'] as const) {
      const b = backends[name];
      for (let f = 0; f < 2; f++) {
        let plan: { components: string[][] } | undefined;
        fault[name].start.push(await timed(async () => (plan = (await b.nemesis.invoke({ f: 'start-partition', value: { topology: 'one' } }, b.ctx)).value as { components: string[][] })));
        const alone = plan!.components[0]![0]!;
        const other = plan!.components[1]![0]!;
        if (!(await answers(b.cluster, alone, other))) fault[name].inEffect++;
        fault[name].stop.push(await timed(() => b.nemesis.invoke({ f: 'stop-partition', value: null }, b.ctx)));
      }
    }
  }
  for (const b of Object.values(backends)) await b.nemesis.teardown(b.ctx);

  console.log('\n1. exec round trip of `true` on one node, one at a time');
  console.log(`   ssh (faultline launcher)   ${stats(exec.ssh)}`);
  console.log(`   ssh (bare channel)         ${stats(exec.bare)}`);
  console.log(`   docker exec                ${stats(exec.docker)}`);
  console.log('   8 at once (one node), wall time for all 8');
  console.log(`   ssh                        ${stats(parallel.ssh)}`);
  console.log(`   docker exec                ${stats(parallel.docker)}`);
  console.log('\n2. per-fault latency, 3 nodes, partition one (invoke → every rule installed)');
  for (const name of ['ssh', 'docker'] as const) {
    console.log(`   ${name.padEnd(7)} start-partition   ${stats(fault[name].start)}   in effect right after: ${fault[name].inEffect}/${fault[name].start.length}`);
    console.log(`   ${name.padEnd(7)} stop-partition    ${stats(fault[name].stop)}`);
  }
  console.log('\n3. set-up');
  console.log(`   3 practice hosts up (image already built): ${upMs.toFixed(0)} ms`);
  console.log(`   SshCluster.connect, 3 hosts (handshakes, checks, run directories): ${connectMs.toFixed(0)} ms`);
  console.log(`   DockerCluster.create, 3 nodes (network, containers): ${createMs.toFixed(0)} ms`);
  console.log(`\nload average at the end ${load()}`);
} finally {
  raw?.close();
  await ssh?.teardown();
  await docker?.teardown();
  await hostsDown({ engine, inventory: practice.inventory });
  await rm(work, { recursive: true, force: true });
}
