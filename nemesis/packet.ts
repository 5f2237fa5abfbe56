import type { Draw } from '../harness/random.ts';
import { NetChain } from './net-chain.ts';
import type { Nemesis, NemesisContext, NemesisFactory, NemesisOp, NemesisResult } from '../harness/nemesis.ts';
import { netemUnavailable } from '../docker/host-tools.ts';
import { clearNetem, setNetem } from './netem.ts';
import { forEachNode, nodeNames } from './nodes.ts';
import { faultCycle, healOnce } from './schedule.ts';
import { checkSelector, defaultSelectors, pickNodes, type Selector } from './select.ts';

export const PACKET_CHAIN = new NetChain('faultline-packet');

const BEHAVIOURS = {
  loss: 'drop a random fraction (5–50 %) of the packets a node receives (iptables statistic)',
  delay: 'delay packets by 50–500 ms with jitter (tc netem; kernels with sch_netem only)',
  duplicate: 'duplicate 5–50 % of packets (tc netem)',
  reorder: 'reorder 25 % of packets behind a 50 ms delay (tc netem)',
} as const;
export type Behaviour = keyof typeof BEHAVIOURS;
const NETEM: readonly Behaviour[] = ['delay', 'duplicate', 'reorder'];

export type PacketRequest =
  | { behaviour: 'loss'; selector: Selector; probability: number }
  | { behaviour: 'delay'; selector: Selector; delayMs: number; jitterMs: number }
  | { behaviour: 'duplicate'; selector: Selector; percent: number }
  | { behaviour: 'reorder'; selector: Selector; percent: number; delayMs: number };

export function packetRequest(d: Draw, behaviours: readonly Behaviour[], selectors: readonly Selector[]): PacketRequest {
  const behaviour = d.pick(behaviours);
  const selector = d.pick(selectors);
  switch (behaviour) {
    case 'loss':
      return { behaviour, selector, probability: d.int(5, 50) / 100 };
    case 'delay': {
      const delayMs = d.int(50, 500);
      return { behaviour, selector, delayMs, jitterMs: Math.round(delayMs / 5) };
    }
    case 'duplicate':
      return { behaviour, selector, percent: d.int(5, 50) };
    case 'reorder':
      return { behaviour, selector, percent: 25, delayMs: 50 };
  }
}

export function netemArgs(r: Exclude<PacketRequest, { behaviour: 'loss' }>): string[] {
  switch (r.behaviour) {
    case 'delay':
      return ['delay', `${r.delayMs}ms`, `${r.jitterMs}ms`];
    case 'duplicate':
      return ['duplicate', `${r.percent}%`];
    case 'reorder':
      return ['delay', `${r.delayMs}ms`, 'reorder', `${r.percent}%`];
  }
}

/**
 * A bad network on some nodes. Loss is an iptables `statistic` rule on the node's INPUT (packets
 * from anywhere but loopback, clients included); delay, duplication and reordering are a netem
 * qdisc on the node's interfaces, and only where the kernel has netem — elsewhere they are
 * refused before the run with the reason, never silently skipped.
 */
export class PacketNemesis implements Nemesis {
  readonly fs = ['start-packet', 'stop-packet'];
  private readonly netemNodes = new Set<string>();

  async setup(ctx: NemesisContext): Promise<void> {
    await forEachNode(ctx.cluster, (node) => PACKET_CHAIN.install(ctx.cluster, node));
  }

  async invoke(op: NemesisOp, ctx: NemesisContext): Promise<NemesisResult> {
    await this.heal(ctx);
    if (op.f === 'stop-packet') {
      ctx.log.info('packet faults healed');
      return { value: { healed: nodeNames(ctx.cluster) } };
    }
    const req = op.value as PacketRequest;
    const pick = await pickNodes(ctx, checkSelector(req.selector));
    if (req.behaviour === 'loss') {
      if (!(req.probability > 0 && req.probability <= 1)) throw new Error(`packet loss probability must be in (0, 1], got ${req.probability}`);
      const rule = ['!', '-i', 'lo', '-m', 'statistic', '--mode', 'random', '--probability', String(req.probability), '-j', 'DROP'];
      await forEachNode(ctx.cluster, (node) => PACKET_CHAIN.replace(ctx.cluster, node, [rule]), pick.nodes);
    } else {
      const why = netemUnavailable();
      if (why) throw new Error(`packet ${req.behaviour} is unsupported on this kernel: ${why}`);
      await forEachNode(ctx.cluster, async (node) => {
        this.netemNodes.add(node);
        await setNetem(ctx.cluster, node, netemArgs(req));
      }, pick.nodes);
    }
    ctx.log.info(`packet ${req.behaviour} on ${pick.nodes.join(' ')}: ${JSON.stringify(req)}`);
    return { value: { ...req, ...pick } };
  }

  async teardown(ctx: NemesisContext): Promise<void> {
    await forEachNode(ctx.cluster, (node) => PACKET_CHAIN.remove(ctx.cluster, node));
    await forEachNode(ctx.cluster, (node) => clearNetem(ctx.cluster, node), [...this.netemNodes]);
    this.netemNodes.clear();
  }

  private async heal(ctx: NemesisContext): Promise<void> {
    await forEachNode(ctx.cluster, (node) => PACKET_CHAIN.flush(ctx.cluster, node));
    await forEachNode(ctx.cluster, async (node) => {
      await clearNetem(ctx.cluster, node);
      this.netemNodes.delete(node);
    }, [...this.netemNodes]);
  }
}

export const packetFactory: NemesisFactory = {
  name: 'packet',
  description: 'a bad network on some nodes: packet loss (iptables), and delay, duplication, reordering where the kernel has netem',
  variants: BEHAVIOURS,
  unsupported(_db, _test, variants) {
    const wanted = (variants as Behaviour[]).filter((b) => NETEM.includes(b));
    if (wanted.length === 0) return undefined;
    const why = netemUnavailable();
    return why ? `packet ${wanted.join(', ')} need${wanted.length === 1 ? 's' : ''} tc netem, which is unsupported on this kernel: ${why} (packet loss works: --nemesis packet:loss)` : undefined;
  },
  create({ db, intervalNs, random, variants }) {
    const behaviours = variants.length > 0 ? (variants as Behaviour[]) : (Object.keys(BEHAVIOURS) as Behaviour[]).filter((b) => b === 'loss' || !netemUnavailable());
    const selectors = defaultSelectors(db);
    return {
      nemesis: new PacketNemesis(),
      generator: faultCycle({ fault: 'packet', intervalNs, random, start: (d) => packetRequest(d, behaviours, selectors) }),
      final: healOnce('packet'),
    };
  },
};
