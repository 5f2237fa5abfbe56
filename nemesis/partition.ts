import type { FullDatabase } from '../harness/database.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import { describePlan, MIN_NODES, planPartition, TOPOLOGIES, TOPOLOGY_HELP, type Grudge, type Topology } from './grudge.ts';
import { NetChain } from './net-chain.ts';
import type { Nemesis, NemesisContext, NemesisFactory, NemesisOp, NemesisResult } from '../harness/nemesis.ts';
import { faultCycle, healOnce } from './schedule.ts';
import { forEachNode, nodeNames } from './nodes.ts';

export const PARTITION_CHAIN = new NetChain('faultline-partition');

/** What `start-partition` asks for. */
export interface PartitionRequest {
  topology: Topology;
}

/**
 * Network partitions: each node drops (iptables DROP on INPUT, by source address) the packets of
 * the nodes it holds a grudge against. A new partition replaces the previous one; `stop-partition`
 * empties every node's chain. Clients on the controller still reach every node: only traffic
 * between nodes is cut, as in Jepsen.
 */
export class PartitionNemesis implements Nemesis {
  readonly fs = ['start-partition', 'stop-partition'];
  private installed = new Set<string>();

  async setup(ctx: NemesisContext): Promise<void> {
    await forEachNode(ctx.cluster, async (node) => {
      await PARTITION_CHAIN.install(ctx.cluster, node);
      this.installed.add(node);
    });
  }

  async invoke(op: NemesisOp, ctx: NemesisContext): Promise<NemesisResult> {
    if (op.f === 'stop-partition') {
      await this.heal(ctx);
      ctx.log.info('partition healed: every node reaches every node');
      return { value: { healed: nodeNames(ctx.cluster) } };
    }
    const { topology } = op.value as PartitionRequest;
    if (!(TOPOLOGIES as readonly string[]).includes(topology)) throw new Error(`unknown partition topology ${JSON.stringify(topology)}; expected one of ${TOPOLOGIES.join(', ')}`);
    const primaries = topology === 'primaries' ? await ctx.db.primaries?.(ctx.cluster) : undefined;
    const plan = planPartition(topology, nodeNames(ctx.cluster), ctx.random, primaries);
    await this.install(ctx, plan.grudge);
    ctx.log.info(`partition (${topology}): ${describePlan(plan)}`);
    return { value: { ...plan, ...(primaries === undefined ? {} : { primaries }) } };
  }

  async teardown(ctx: NemesisContext): Promise<void> {
    await forEachNode(ctx.cluster, (node) => PARTITION_CHAIN.remove(ctx.cluster, node));
    this.installed.clear();
  }

  private async install(ctx: NemesisContext, grudge: Grudge): Promise<void> {
    const ip = new Map(ctx.cluster.nodes.map((n) => [n.name, n.ip]));
    await forEachNode(ctx.cluster, async (node) => {
      if (!this.installed.has(node)) await PARTITION_CHAIN.install(ctx.cluster, node);
      this.installed.add(node);
      const rules = (grudge[node] ?? []).map((from) => ['-s', ip.get(from)!, '-j', 'DROP']);
      await PARTITION_CHAIN.replace(ctx.cluster, node, rules);
    });
  }

  private async heal(ctx: NemesisContext): Promise<void> {
    await forEachNode(ctx.cluster, (node) => PARTITION_CHAIN.flush(ctx.cluster, node));
  }
}

/** The topologies a run draws from when none are chosen: all that fit the cluster and the database. */
export function defaultTopologies(db: FullDatabase, nodes: number): Topology[] {
  return TOPOLOGIES.filter((t) => nodes >= MIN_NODES[t] && (t !== 'primaries' || db.primaries !== undefined));
}

function topologyProblem(db: FullDatabase, test: TestSpec, variants: readonly string[]): string | undefined {
  if (test.nodes < 2) return 'a partition needs at least 2 nodes';
  for (const v of variants as Topology[]) {
    if (test.nodes < MIN_NODES[v]) return `the ${v} topology needs at least ${MIN_NODES[v]} nodes (the test has ${test.nodes})`;
    if (v === 'primaries' && !db.primaries) return `${db.name} cannot say which node leads, so the primaries topology has nothing to aim at`;
  }
  return undefined;
}

export const partitionFactory: NemesisFactory = {
  name: 'partition',
  description: 'network partitions (iptables in each node\'s namespace): one, majority, majorities-ring, bridge, primaries, one-way',
  variants: TOPOLOGY_HELP,
  unsupported: topologyProblem,
  create({ test, db, intervalNs, random, variants }) {
    const topologies = variants.length > 0 ? (variants as Topology[]) : defaultTopologies(db, test.nodes);
    return {
      nemesis: new PartitionNemesis(),
      generator: faultCycle({ fault: 'partition', intervalNs, random, start: (d): PartitionRequest => ({ topology: d.pick(topologies) }) }),
      final: healOnce('partition'),
    };
  },
};
