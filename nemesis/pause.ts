import type { Cluster } from '../harness/cluster.ts';
import type { FullDatabase } from '../harness/database.ts';
import type { Nemesis, NemesisContext, NemesisFactory, NemesisOp, NemesisResult } from '../harness/nemesis.ts';
import { forEachNode, nodeNames } from './nodes.ts';
import { faultCycle, healOnce } from './schedule.ts';
import { byName, checkSelector, defaultSelectors, pickNodes, selectorProblem, SELECTOR_HELP, type Selector } from './select.ts';

interface PauseMechanism {
  /** `SIGSTOP` (the database's Pausable power) or `cgroup freezer` (the whole node). */
  readonly how: string;
  pause(cluster: Cluster, node: string): Promise<void>;
  resume(cluster: Cluster, node: string): Promise<void>;
}

/** The database's own pause (SIGSTOP of its process) when it has one, else the node's cgroup freezer. */
export function pauseMechanism(db: FullDatabase): PauseMechanism {
  if (db.pause && db.resume) return { how: 'SIGSTOP', pause: db.pause.bind(db), resume: db.resume.bind(db) };
  return { how: 'cgroup freezer', pause: (c, n) => c.pause(n), resume: (c, n) => c.unpause(n) };
}

/**
 * Process pauses: `start-pause` freezes the database on the selected nodes (it keeps its sockets
 * open but answers nothing, like a long GC pause or a stalled VM); `stop-pause` resumes every
 * node this nemesis paused. Clients time out against a paused node rather than wait for it.
 */
export class PauseNemesis implements Nemesis {
  readonly fs = ['start-pause', 'stop-pause'];
  private readonly paused = new Set<string>();

  async invoke(op: NemesisOp, ctx: NemesisContext): Promise<NemesisResult> {
    const m = pauseMechanism(ctx.db);
    if (op.f === 'stop-pause') {
      const nodes = [...this.paused].sort(byName);
      await this.resume(ctx, nodes);
      if (nodes.length > 0) ctx.log.info(`pause healed: resumed ${nodes.join(' ')}`);
      return { value: { resumed: nodes } };
    }
    const pick = await pickNodes(ctx, checkSelector(op.value));
    await forEachNode(ctx.cluster, async (node) => {
      this.paused.add(node);
      await m.pause(ctx.cluster, node);
    }, pick.nodes);
    ctx.log.info(`paused ${ctx.db.name} on ${pick.nodes.join(' ')} (${pick.selector}, ${m.how})${pick.note ? `: ${pick.note}` : ''}`);
    return { value: { ...pick, how: m.how } };
  }

  /** Resumes every node, not only those recorded: a resume of a running node is harmless, a missed one is a hang. */
  async teardown(ctx: NemesisContext): Promise<void> {
    await this.resume(ctx, nodeNames(ctx.cluster));
  }

  private async resume(ctx: NemesisContext, nodes: readonly string[]): Promise<void> {
    const m = pauseMechanism(ctx.db);
    await forEachNode(ctx.cluster, async (node) => {
      await m.resume(ctx.cluster, node);
      this.paused.delete(node);
    }, nodes);
  }
}

export const pauseFactory: NemesisFactory = {
  name: 'pause',
  description: 'freeze the database process on some nodes (SIGSTOP, or the cgroup freezer), then resume it',
  variants: SELECTOR_HELP,
  unsupported: selectorProblem,
  create({ db, intervalNs, random, variants }) {
    const selectors = variants.length > 0 ? (variants as Selector[]) : defaultSelectors(db);
    return {
      nemesis: new PauseNemesis(),
      generator: faultCycle({ fault: 'pause', intervalNs, random, start: (d) => d.pick(selectors) }),
      final: healOnce('pause'),
      // First: every other heal may need the node to answer.
      healOrder: -1,
    };
  },
};
