import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DockerCluster } from '../docker/docker-cluster.ts';
import { dockerClient } from '../docker/engine.ts';
import { EtcdDatabase } from '../docker/etcd/etcd-database.ts';
import { FAKETIME_FILE, FAKETIME_LIBRARY, faketimeEnv } from '../harness/faketime.ts';
import type { FullDatabase } from '../harness/database.ts';
import { Random } from '../harness/random.ts';
import { silentLogger } from '../harness/logger.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import { connectFailureRate, hostRulesMentioning, tcpMatrix, udpArrives } from '../test/support/net-probe.ts';
import { runObjects } from '../test/support/run-objects.ts';
import { ClockNemesis, clockFactory } from './clock.ts';
import type { MeasuredOffset } from './clock-offsets.ts';
import { KillNemesis } from './kill.ts';
import type { Nemesis, NemesisContext } from '../harness/nemesis.ts';
import { netemUnavailable } from '../docker/host-tools.ts';
import { PACKET_CHAIN, PacketNemesis, packetFactory } from './packet.ts';
import { PARTITION_CHAIN, PartitionNemesis } from './partition.ts';
import { PauseNemesis } from './pause.ts';

// Every fault observed taking effect on a real 5-node etcd cluster, not just the command returning.

const ETCD = '^etcd --name ';
const HOST_FAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'];
const PEER = 2380;
const spec: TestSpec = { name: 'nemesis-int', db: 'etcd', workload: 'register', nodes: 5, concurrency: 5, rate: 0, timeLimit: 1, nemesis: [], nemesisInterval: 5, recovery: 0, seed: 1, options: {} };
const db = new EtcdDatabase();
let cluster: DockerCluster;
let ctx: NemesisContext;
const used: { nemesis: Nemesis; ctx: () => NemesisContext }[] = [];

/** A nemesis healed after each test, even one that failed half-way (so failures do not cascade). */
const use = <N extends Nemesis>(n: N, c: () => NemesisContext = () => ctx): N => (used.push({ nemesis: n, ctx: c }), n);
const ipOf = (node: string) => cluster.nodes.find((n) => n.name === node)!.ip;

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function answers(node: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    return (await fetch(`http://${ipOf(node)}:2379/health`, { signal: AbortSignal.timeout(timeoutMs) })).ok;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  cluster = await DockerCluster.create({ image: db.image, nodes: 5, runId: `nemesis-int-${process.pid}`, log: () => undefined });
  await db.setup(cluster, spec);
  ctx = { cluster, db, test: spec, random: Random.fromSeed(5).stream(), log: silentLogger };
});

afterEach(async () => {
  for (const { nemesis, ctx: c } of used.splice(0)) await nemesis.teardown(c());
});

afterAll(async () => {
  await cluster?.teardown();
});

describe('partition', () => {
  it('cut nodes cannot open TCP connections to each other, the others can; after heal all can', async () => {
    const nemesis = use(new PartitionNemesis());
    await nemesis.setup(ctx);
    const r = await nemesis.invoke({ f: 'start-partition', value: { topology: 'majority' } }, ctx);
    const { components } = r.value as { components: string[][] };
    expect(components.map((c) => c.length)).toEqual([2, 3]);
    const side = (n: string) => components.findIndex((c) => c.includes(n));
    const m = await tcpMatrix(cluster, PEER);
    for (const [a, row] of Object.entries(m)) for (const [b, ok] of Object.entries(row)) expect(ok, `${a} → ${b}`).toBe(side(a) === side(b));
    // The rules live in the nodes' namespaces only.
    expect(await hostRulesMentioning('faultline-')).toEqual([]);
    expect(await PARTITION_CHAIN.rules(cluster, components[0]![0]!)).toHaveLength(3);

    await nemesis.invoke({ f: 'stop-partition', value: null }, ctx);
    const healed = await tcpMatrix(cluster, PEER);
    for (const [a, row] of Object.entries(healed)) for (const [b, ok] of Object.entries(row)) expect(ok, `${a} → ${b} after heal`).toBe(true);
  });

  it('a one-way cut drops one direction only (UDP shows it; TCP needs both ways, so it fails both ways)', async () => {
    const nemesis = use(new PartitionNemesis());
    const r = await nemesis.invoke({ f: 'start-partition', value: { topology: 'one-way' } }, ctx);
    const { from, to } = r.value as { from: string[]; to: string[] };
    expect(await udpArrives(cluster, from[0]!, to[0]!)).toBe(false);
    expect(await udpArrives(cluster, to[0]!, from[0]!)).toBe(true);
    await nemesis.invoke({ f: 'stop-partition', value: null }, ctx);
    expect(await udpArrives(cluster, from[0]!, to[0]!)).toBe(true);
  });

  it('primaries isolates the node etcd says leads', async () => {
    const nemesis = use(new PartitionNemesis());
    // The cuts before may have cost etcd its leader: wait for a new one.
    await db.waitHealthy(cluster, 30_000);
    const [leader] = await db.primaries(cluster);
    const r = await nemesis.invoke({ f: 'start-partition', value: { topology: 'primaries' } }, ctx);
    expect(r.value).toMatchObject({ topology: 'primaries', primaries: [leader], components: [[leader], expect.any(Array)] });
    const m = await tcpMatrix(cluster, PEER);
    for (const n of cluster.nodes.map((x) => x.name).filter((x) => x !== leader)) expect(m[leader!]![n]).toBe(false);
    await nemesis.invoke({ f: 'stop-partition', value: null }, ctx);
  });

  it('teardown removes exactly its chain and hook, and is idempotent', async () => {
    const nemesis = use(new PartitionNemesis());
    await nemesis.invoke({ f: 'start-partition', value: { topology: 'bridge' } }, ctx);
    await nemesis.teardown(ctx);
    await nemesis.teardown(ctx);
    for (const n of cluster.nodes) {
      const r = await cluster.netExec(n.name, ['iptables', '-w', '-S'], { timeoutMs: 10_000 });
      expect(r.stdout).not.toContain('faultline');
    }
  });
});

describe('packet', () => {
  it('loss drops roughly the configured fraction of packets the node receives, and heals', async () => {
    const nemesis = use(new PacketNemesis());
    await nemesis.setup(ctx);
    const r = await nemesis.invoke({ f: 'start-packet', value: { behaviour: 'loss', selector: 'one', probability: 0.3 } }, ctx);
    const [node] = (r.value as { nodes: string[] }).nodes;
    const other = cluster.nodes.find((n) => n.name !== node)!;
    // A dropped SYN is retransmitted only after 1 s, so a connect that has no answer in 400 ms lost its SYN.
    const rate = await connectFailureRate(ipOf(node!), 2379, 400);
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.4);
    expect(await connectFailureRate(other.ip, 2379, 100)).toBeLessThan(0.03);
    await nemesis.invoke({ f: 'stop-packet', value: null }, ctx);
    expect(await connectFailureRate(ipOf(node!), 2379, 100)).toBeLessThan(0.03);
    await nemesis.teardown(ctx);
    expect(await PACKET_CHAIN.rules(cluster, node!)).toEqual([]);
  });

  it('delay, duplication and reordering need netem: refused with the reason on a kernel without it', async () => {
    const why = netemUnavailable();
    if (why === undefined) {
      // This kernel has netem: a delay shows up in connect times.
      const nemesis = use(new PacketNemesis());
      const r = await nemesis.invoke({ f: 'start-packet', value: { behaviour: 'delay', selector: 'one', delayMs: 300, jitterMs: 0 } }, ctx);
      const ip = ipOf((r.value as { nodes: string[] }).nodes[0]!);
      expect(await connectFailureRate(ip, 2379, 20, 200)).toBeGreaterThan(0.9);
      await nemesis.invoke({ f: 'stop-packet', value: null }, ctx);
      expect(await connectFailureRate(ip, 2379, 20, 200)).toBeLessThan(0.1);
      return;
    }
    expect(why).toMatch(/^this kernel has no sch_netem/);
    expect(packetFactory.unsupported!(db, spec, ['loss', 'delay'])).toBe(`packet delay needs tc netem, which is unsupported on this kernel: ${why} (packet loss works: --nemesis packet:loss)`);
    expect(packetFactory.unsupported!(db, spec, ['loss'])).toBeUndefined();
    await expect(new PacketNemesis().invoke({ f: 'start-packet', value: { behaviour: 'reorder', selector: 'one', percent: 25, delayMs: 50 } }, ctx)).rejects.toThrow(`packet reorder is unsupported on this kernel: ${why}`);
  });
});

describe('kill', () => {
  it('a killed node\'s process is gone and comes back after start', async () => {
    const nemesis = use(new KillNemesis());
    const r = await nemesis.invoke({ f: 'start-kill', value: 'minority' }, ctx);
    const { nodes } = r.value as { nodes: string[] };
    expect(nodes).toHaveLength(2);
    for (const n of cluster.nodes) expect(await cluster.countProcesses(n.name, ETCD), n.name).toBe(nodes.includes(n.name) ? 0 : 1);
    expect(await answers(nodes[0]!)).toBe(false);
    const healed = await nemesis.invoke({ f: 'stop-kill', value: null }, ctx);
    expect(healed.value).toEqual({ started: nodes });
    // The start is asynchronous (a detached exec): the process appears within moments.
    for (const n of nodes) await waitFor(async () => (await cluster.countProcesses(n, ETCD)) === 1, 10_000, `etcd back on ${n}`);
    await db.waitHealthy(cluster, 30_000);
  });
});

describe('pause', () => {
  it('a paused node does not answer until resumed (SIGSTOP through the database)', async () => {
    const nemesis = use(new PauseNemesis());
    const r = await nemesis.invoke({ f: 'start-pause', value: 'one' }, ctx);
    expect(r.value).toMatchObject({ how: 'SIGSTOP' });
    const [node] = (r.value as { nodes: string[] }).nodes;
    const others = cluster.nodes.map((n) => n.name).filter((n) => n !== node);
    expect(await answers(node!)).toBe(false);
    expect(await answers(others[0]!)).toBe(true);
    // The process is still there, only stopped.
    expect(await cluster.countProcesses(node!, ETCD)).toBe(1);
    await nemesis.invoke({ f: 'stop-pause', value: null }, ctx);
    expect(await answers(node!, 5_000)).toBe(true);
  });

  it('without a Pausable database the whole node is frozen (cgroup freezer), and teardown thaws it', async () => {
    const plain = { name: 'plain', image: { ref: 'etcd' }, setup: async () => {}, teardown: async () => {} } as FullDatabase;
    const c = { ...ctx, db: plain };
    const nemesis = use(new PauseNemesis(), () => c);
    const r = await nemesis.invoke({ f: 'start-pause', value: 'one' }, c);
    const [node] = (r.value as { nodes: string[]; how: string }).nodes;
    expect((r.value as { how: string }).how).toBe('cgroup freezer');
    const state = async () => (await dockerClient().getContainer(cluster.containerId(node!)).inspect()).State.Paused;
    expect(await state()).toBe(true);
    expect(await answers(node!)).toBe(false);
    await nemesis.teardown(c);
    expect(await state()).toBe(false);
    expect(await answers(node!, 5_000)).toBe(true);
  });
});

describe('clock', () => {
  // libfaketime in the nodes (the host's copy; same Debian), and a long-running wrapped process on
  // each that writes what it reads as the time every 200 ms (perl's time(), through libc).
  const clockedDb = { name: 'clocked', image: { ref: 'etcd' }, setup: async () => {}, teardown: async () => {}, honoursFaketime: true } as FullDatabase;
  beforeAll(async () => {
    const lib = readFileSync(HOST_FAKETIME.find((p) => existsSync(p))!);
    for (const n of cluster.nodes) {
      await cluster.writeFile(n.name, FAKETIME_LIBRARY, lib);
      await cluster.writeFile(n.name, FAKETIME_FILE, '+0\n');
      await cluster.exec(n.name, ['perl', '-e', '$|=1; while (1) { open(F, ">/tmp/clock.new"); print F time; close F; rename("/tmp/clock.new", "/tmp/clock"); select(undef, undef, undef, 0.2); }'], { detach: true, env: faketimeEnv() });
    }
  });
  it('etcd refuses clock faults with the reason (Go ignores libfaketime)', () => {
    expect(clockFactory.unsupported!(db, spec, [])).toBe('etcd is a Go program: it reads the clock through the vDSO, not libc, so libfaketime cannot skew it');
  });

  it('a bump of +Δ shows up in a libfaketime-wrapped process on that node, within tolerance, and not on the others', async () => {
    const c = { ...ctx, db: clockedDb };
    const nemesis = use(new ClockNemesis(), () => c);
    await nemesis.setup(c);
    const seen = async (node: string) => Number((await cluster.readFile(node, '/tmp/clock')).toString()) - Date.now() / 1000;
    const r = await nemesis.invoke({ f: 'start-clock', value: { mode: 'bump', selector: 'one', deltaMs: 30_000 } }, c);
    const { nodes, offsets } = r.value as { nodes: string[]; offsets: Record<string, MeasuredOffset> };
    expect(nodes).toHaveLength(1);
    const bumped = nodes[0]!;
    // Measured and recorded right after the change…
    for (const n of cluster.nodes) expect(Math.abs(offsets[n.name]!.offsetMs - (n.name === bumped ? 30_000 : 0)), n.name).toBeLessThan(500);
    // …and the long-running process follows within libfaketime's cache time.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (const n of cluster.nodes) expect(Math.abs((await seen(n.name)) - (n.name === bumped ? 30 : 0)), n.name).toBeLessThan(2);
    // The real clock of the node (an unwrapped process) was never touched.
    const real = Number((await cluster.exec(bumped, ['date', '+%s'])).stdout) - Date.now() / 1000;
    expect(Math.abs(real)).toBeLessThan(2);

    const reset = await nemesis.invoke({ f: 'stop-clock', value: null }, c);
    for (const o of Object.values((reset.value as { offsets: Record<string, MeasuredOffset> }).offsets)) expect(Math.abs(o.offsetMs)).toBeLessThan(500);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(Math.abs(await seen(bumped))).toBeLessThan(2);
  });

  it('strobe flips between two offsets and ends where it began', async () => {
    const c = { ...ctx, db: clockedDb };
    const nemesis = use(new ClockNemesis(), () => c);
    const r = await nemesis.invoke({ f: 'start-clock', value: { mode: 'strobe', selector: 'all', deltaMs: 20_000, periodMs: 1_000, durationMs: 3_500 } }, c);
    const v = r.value as { flips: number; strobed: Record<string, MeasuredOffset>; offsets: Record<string, MeasuredOffset> };
    expect(v.flips).toBeGreaterThanOrEqual(3);
    for (const o of Object.values(v.strobed)) expect(Math.abs(o.offsetMs - 20_000)).toBeLessThan(500);
    for (const o of Object.values(v.offsets)) expect(Math.abs(o.offsetMs)).toBeLessThan(500);
  });
});

describe('harness safety', () => {
  it('a cluster with a frozen node and a partition is removed completely', async () => {
    const other = await DockerCluster.create({ image: db.image, nodes: 2, runId: `nemesis-int-frozen-${process.pid}`, log: () => undefined });
    try {
      const c = { ...ctx, cluster: other, db: { name: 'plain', image: { ref: 'etcd' }, setup: async () => {}, teardown: async () => {} } as FullDatabase };
      await new PartitionNemesis().invoke({ f: 'start-partition', value: { topology: 'one' } }, c);
      await other.pause('n1');
    } finally {
      await other.teardown();
    }
    expect(await runObjects(dockerClient(), other.runId)).toEqual({ containers: [], networks: [] });
  });
});
