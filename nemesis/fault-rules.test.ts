import { describe, expect, it } from 'vitest';
import { FAKETIME_FILE } from '../harness/faketime.ts';
import type { FullDatabase } from '../harness/database.ts';
import { MemoryLogger } from '../harness/logger.ts';
import type { NemesisContext } from '../harness/nemesis.ts';
import { Random } from '../harness/random.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import { FakeCluster, fakeDatabase } from '../test/support/fake-cluster.ts';
import { ClockNemesis } from './clock.ts';
import type { PartitionPlan } from './grudge.ts';
import { KillNemesis } from './kill.ts';
import { netemArgs, PacketNemesis } from './packet.ts';
import { PartitionNemesis } from './partition.ts';
import { PauseNemesis } from './pause.ts';

// The faults against a fake cluster that records every command: the exact iptables rules, files
// and signals each fault sends to which node, without Docker. (faults.int.test.ts checks that the
// same commands cut real traffic.)

function context(cluster: FakeCluster, db: FullDatabase = fakeDatabase('memory'), seed = 7): NemesisContext {
  return { cluster, db, test: { nodes: cluster.nodes.length } as TestSpec, random: Random.fromSeed(seed).fork('nemesis').stream(), log: new MemoryLogger() };
}

/** The rules each node's chain was last given through iptables-restore, as `-A` lines. */
function chainRules(cluster: FakeCluster, chain: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of cluster.nodes) {
    const fed = cluster.stdin.get(`netExec ${n.name} iptables-restore -w --noflush`);
    const last = fed?.at(-1);
    if (last === undefined) continue;
    expect(last.split('\n').slice(0, 2)).toEqual(['*filter', `:${chain} - [0:0]`]);
    expect(last.endsWith('COMMIT\n')).toBe(true);
    out[n.name] = last.split('\n').filter((l) => l.startsWith('-A '));
  }
  return out;
}

const ip = (cluster: FakeCluster, node: string) => cluster.nodes.find((n) => n.name === node)!.ip;

describe('partition: a grudge becomes DROP rules by source address, in a chain of its own', () => {
  it('installs the chain and its INPUT hook once per node, then one DROP per node it holds a grudge against', async () => {
    const cluster = new FakeCluster('r', 5);
    // The hook is not there yet: `iptables -C` says so, and it is inserted.
    cluster.answer = (_node, argv) => (argv.includes('-C') ? { exitCode: 1, stderr: 'iptables: Bad rule' } : undefined);
    const ctx = context(cluster);
    const nemesis = new PartitionNemesis();
    await nemesis.setup(ctx);
    for (const n of cluster.nodes) {
      expect(cluster.calls).toContain(`netExec ${n.name} iptables -w -N faultline-partition`);
      expect(cluster.calls).toContain(`netExec ${n.name} iptables -w -I INPUT 1 -j faultline-partition`);
    }
    const { value } = await nemesis.invoke({ f: 'start-partition', value: { topology: 'majority' } }, ctx);
    const plan = value as PartitionPlan;
    expect(plan.components!.map((c) => c.length).sort()).toEqual([2, 3]);
    const rules = chainRules(cluster, 'faultline-partition');
    for (const n of cluster.nodes) {
      const others = plan.components!.find((c) => !c.includes(n.name))!;
      expect(rules[n.name]).toEqual(others.map((o) => `-A faultline-partition -s ${ip(cluster, o)} -j DROP`));
      expect(plan.grudge[n.name]).toEqual(others);
    }
  });

  it('one-way: only the deaf side gets rules; stop empties every chain; teardown removes hook and chain', async () => {
    const cluster = new FakeCluster('r', 4);
    const ctx = context(cluster, undefined, 3);
    const nemesis = new PartitionNemesis();
    await nemesis.setup(ctx);
    const plan = (await nemesis.invoke({ f: 'start-partition', value: { topology: 'one-way' } }, ctx)).value as PartitionPlan;
    const rules = chainRules(cluster, 'faultline-partition');
    for (const n of plan.to!) expect(rules[n]).toEqual(plan.from!.map((f) => `-A faultline-partition -s ${ip(cluster, f)} -j DROP`));
    for (const n of plan.from!) expect(rules[n]).toEqual([]);

    await nemesis.invoke({ f: 'stop-partition', value: null }, ctx);
    expect(Object.values(chainRules(cluster, 'faultline-partition'))).toEqual([[], [], [], []]);
    await nemesis.teardown(ctx);
    for (const n of cluster.nodes) {
      const mine = cluster.calls.filter((c) => c.startsWith(`netExec ${n.name} iptables -w -`)).slice(-3);
      expect(mine).toEqual([`netExec ${n.name} iptables -w -D INPUT -j faultline-partition`, `netExec ${n.name} iptables -w -F faultline-partition`, `netExec ${n.name} iptables -w -X faultline-partition`]);
    }
  });

  it('says which node failed and how, and heals the rest anyway', async () => {
    const cluster = new FakeCluster('r', 3);
    cluster.answer = (node, argv) => (node === 'n2' && argv[0] === 'iptables-restore' ? { exitCode: 2, stderr: 'iptables-restore: line 3 failed' } : undefined);
    const ctx = context(cluster);
    await expect(new PartitionNemesis().invoke({ f: 'stop-partition', value: null }, ctx)).rejects.toThrow("n2: iptables-restore (faultline-partition) in n2's network namespace failed (exit 2): iptables-restore: line 3 failed");
    expect(cluster.stdin.has('netExec n1 iptables-restore -w --noflush')).toBe(true);
    expect(cluster.stdin.has('netExec n3 iptables-restore -w --noflush')).toBe(true);
  });
});

describe('packet: loss is one statistic rule on the chosen nodes; netem argv per behaviour', () => {
  it('drops the drawn fraction on the selected nodes only, and heals before every change', async () => {
    const cluster = new FakeCluster('r', 5);
    const ctx = context(cluster);
    const nemesis = new PacketNemesis();
    const { value } = await nemesis.invoke({ f: 'start-packet', value: { behaviour: 'loss', selector: 'minority', probability: 0.25 } }, ctx);
    const chosen = (value as { nodes: string[] }).nodes;
    expect(chosen).toHaveLength(2);
    const rules = chainRules(cluster, 'faultline-packet');
    for (const n of cluster.nodes) {
      expect(rules[n.name]).toEqual(chosen.includes(n.name) ? ['-A faultline-packet ! -i lo -m statistic --mode random --probability 0.25 -j DROP'] : []);
    }
    await expect(nemesis.invoke({ f: 'start-packet', value: { behaviour: 'loss', selector: 'one', probability: 1.5 } }, ctx)).rejects.toThrow('packet loss probability must be in (0, 1], got 1.5');
  });

  it('netem arguments for delay, duplication and reordering', () => {
    expect(netemArgs({ behaviour: 'delay', selector: 'one', delayMs: 200, jitterMs: 40 })).toEqual(['delay', '200ms', '40ms']);
    expect(netemArgs({ behaviour: 'duplicate', selector: 'one', percent: 12 })).toEqual(['duplicate', '12%']);
    expect(netemArgs({ behaviour: 'reorder', selector: 'all', percent: 25, delayMs: 50 })).toEqual(['delay', '50ms', 'reorder', '25%']);
  });
});

describe('clock: offsets written for libfaketime, and measured back', () => {
  /** Each node's `date` answers the controller's time plus the offset in its faketime file. */
  function clockCluster(n: number): FakeCluster {
    const cluster = new FakeCluster('r', n);
    cluster.answer = (node, argv) => {
      if (argv[0] !== 'date') return undefined;
      const offset = Number(cluster.files.get(`${node}:${FAKETIME_FILE}`) ?? '0');
      return { stdout: `${((Date.now() + offset * 1000) / 1000).toFixed(9)}\n` };
    };
    return cluster;
  }

  it('bumps the chosen node by Δ (relative to its current offset), resets every node to +0, and records what it measured', async () => {
    const cluster = clockCluster(3);
    const ctx = context(cluster);
    const nemesis = new ClockNemesis();
    await nemesis.setup(ctx);
    for (const n of cluster.nodes) expect(cluster.files.get(`${n.name}:${FAKETIME_FILE}`)).toBe('+0\n');
    const first = (await nemesis.invoke({ f: 'start-clock', value: { mode: 'bump', selector: 'one', deltaMs: -1_500 } }, ctx)).value as { nodes: string[]; offsets: Record<string, { offsetMs: number; errorMs: number }> };
    const [node] = first.nodes;
    expect(cluster.files.get(`${node}:${FAKETIME_FILE}`)).toBe('-1.5\n');
    await nemesis.invoke({ f: 'start-clock', value: { mode: 'bump', selector: 'all', deltaMs: 250 } }, ctx);
    expect(cluster.files.get(`${node}:${FAKETIME_FILE}`)).toBe('-1.25\n');
    for (const n of cluster.nodes.filter((x) => x.name !== node)) expect(cluster.files.get(`${n.name}:${FAKETIME_FILE}`)).toBe('+0.25\n');
    for (const [n, o] of Object.entries(first.offsets)) expect(Math.abs(o.offsetMs - (n === node ? -1_500 : 0))).toBeLessThanOrEqual(o.errorMs + 1);
    const reset = (await nemesis.invoke({ f: 'stop-clock', value: null }, ctx)).value as { offsets: Record<string, { offsetMs: number; errorMs: number }> };
    for (const n of cluster.nodes) expect(cluster.files.get(`${n.name}:${FAKETIME_FILE}`)).toBe('+0\n');
    for (const o of Object.values(reset.offsets)) expect(Math.abs(o.offsetMs)).toBeLessThanOrEqual(o.errorMs + 1);
  });

  it('refuses an image without libfaketime before any op', async () => {
    const cluster = clockCluster(2);
    cluster.answer = (_node, argv) => (argv[0] === 'test' ? { exitCode: 1 } : undefined);
    await expect(new ClockNemesis().setup(context(cluster))).rejects.toThrow('the memory image has no libfaketime at /usr/local/lib/libfaketime.so.1, so its clock cannot be skewed');
  });
});

describe('kill and pause: which nodes, and only those brought back', () => {
  function killableDb(events: string[], primaries?: string[]): FullDatabase {
    return {
      ...fakeDatabase('memory'),
      kill: async (_c, node) => void events.push(`kill ${node}`),
      start: async (_c, node) => void events.push(`start ${node}`),
      ...(primaries ? { primaries: async () => primaries } : {}),
    };
  }

  it('kill: a majority of five is three distinct nodes from the seed; stop starts exactly those; teardown has nothing left', async () => {
    const events: string[] = [];
    const cluster = new FakeCluster('r', 5);
    const ctx = context(cluster, killableDb(events));
    const nemesis = new KillNemesis();
    const { value } = await nemesis.invoke({ f: 'start-kill', value: 'majority' }, ctx);
    const killed = (value as { nodes: string[] }).nodes;
    expect(new Set(killed).size).toBe(3);
    expect(events.sort()).toEqual(killed.map((n) => `kill ${n}`).sort());
    // The same seed picks the same nodes.
    const again = (await new KillNemesis().invoke({ f: 'start-kill', value: 'majority' }, context(new FakeCluster('r', 5), killableDb([])))).value as { nodes: string[] };
    expect(again.nodes).toEqual(killed);
    events.length = 0;
    const started = (await nemesis.invoke({ f: 'stop-kill', value: null }, ctx)).value as { started: string[] };
    expect(started.started).toEqual(killed);
    expect(events).toEqual(killed.map((n) => `start ${n}`));
    events.length = 0;
    await nemesis.teardown(ctx);
    expect(events).toEqual([]);
  });

  it('kill: primaries aims at the nodes the database says lead; a database that cannot be killed is refused', async () => {
    const events: string[] = [];
    const ctx = context(new FakeCluster('r', 3), killableDb(events, ['n2']));
    expect(((await new KillNemesis().invoke({ f: 'start-kill', value: 'primaries' }, ctx)).value as { nodes: string[] }).nodes).toEqual(['n2']);
    expect(events).toEqual(['kill n2']);
    await expect(new KillNemesis().invoke({ f: 'start-kill', value: 'one' }, context(new FakeCluster('r', 3)))).rejects.toThrow('memory cannot be killed and restarted (it does not implement Killable)');
  });

  it('pause: the cgroup freezer on the chosen nodes when the database has no pause of its own; teardown resumes every node', async () => {
    const cluster = new FakeCluster('r', 3);
    const ctx = context(cluster);
    const nemesis = new PauseNemesis();
    const { value } = await nemesis.invoke({ f: 'start-pause', value: 'one' }, ctx);
    const { nodes, how } = value as { nodes: string[]; how: string };
    expect(how).toBe('cgroup freezer');
    expect(cluster.calls).toEqual(nodes.map((n) => `pause ${n}`));
    await nemesis.teardown(ctx);
    expect(cluster.calls.slice(nodes.length)).toEqual(['unpause n1', 'unpause n2', 'unpause n3']);
  });

  it("pause: the database's own SIGSTOP when it has one; stop resumes only the paused nodes", async () => {
    const events: string[] = [];
    const db: FullDatabase = { ...fakeDatabase('memory'), pause: async (_c, n) => void events.push(`stop ${n}`), resume: async (_c, n) => void events.push(`cont ${n}`) };
    const cluster = new FakeCluster('r', 4);
    const ctx = context(cluster, db);
    const nemesis = new PauseNemesis();
    const paused = ((await nemesis.invoke({ f: 'start-pause', value: 'minority' }, ctx)).value as { nodes: string[] }).nodes;
    expect(paused).toHaveLength(1);
    await nemesis.invoke({ f: 'stop-pause', value: null }, ctx);
    expect(events).toEqual([`stop ${paused[0]}`, `cont ${paused[0]}`]);
    expect(cluster.calls.filter((c) => c.startsWith('pause') || c.startsWith('unpause'))).toEqual([]);
  });
});
