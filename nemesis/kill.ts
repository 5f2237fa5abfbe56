import type { Killable } from '../harness/database.ts';
import type { Nemesis, NemesisContext, NemesisFactory, NemesisOp, NemesisResult } from '../harness/nemesis.ts';
import { forEachNode } from './nodes.ts';
import { faultCycle, healOnce } from './schedule.ts';
import { checkSelector, defaultSelectors, pickNodes, selectorProblem, SELECTOR_HELP, byName, type Selector } from './select.ts';

/**
 * Process crashes: `start-kill` SIGKILLs the database process on the selected nodes (through the
 * database's Killable power, which waits until it is gone); `stop-kill` starts it again, with its
 * data, on every node this nemesis killed.
 */
export class KillNemesis implements Nemesis {
  readonly fs = ['start-kill', 'stop-kill'];
  private readonly killed = new Set<string>();

  async invoke(op: NemesisOp, ctx: NemesisContext): Promise<NemesisResult> {
    const db = killable(ctx);
    if (op.f === 'stop-kill') {
      const nodes = [...this.killed].sort(byName);
      await forEachNode(ctx.cluster, async (node) => {
        await db.start(ctx.cluster, node);
        this.killed.delete(node);
      }, nodes);
      if (nodes.length > 0) ctx.log.info(`kill healed: started ${ctx.db.name} on ${nodes.join(' ')}`);
      return { value: { started: nodes } };
    }
    const pick = await pickNodes(ctx, checkSelector(op.value));
    await forEachNode(ctx.cluster, async (node) => {
      // Recorded before the kill: a kill that fails half-way still gets its start.
      this.killed.add(node);
      await db.kill(ctx.cluster, node);
    }, pick.nodes);
    ctx.log.info(`killed ${ctx.db.name} on ${pick.nodes.join(' ')} (${pick.selector})${pick.note ? `: ${pick.note}` : ''}`);
    return { value: pick };
  }

  async teardown(ctx: NemesisContext): Promise<void> {
    if (this.killed.size === 0) return;
    const db = killable(ctx);
    await forEachNode(ctx.cluster, async (node) => {
      await db.start(ctx.cluster, node);
      this.killed.delete(node);
    }, [...this.killed]);
  }
}

function killable(ctx: NemesisContext): Killable {
  const { kill, start } = ctx.db;
  if (!kill || !start) throw new Error(`${ctx.db.name} cannot be killed and restarted (it does not implement Killable)`);
  return { kill: kill.bind(ctx.db), start: start.bind(ctx.db) };
}

export const killFactory: NemesisFactory = {
  name: 'kill',
  description: 'SIGKILL the database process on some nodes, then start it again',
  variants: SELECTOR_HELP,
  unsupported(db, test, variants) {
    if (!db.kill || !db.start) return `${db.name} does not implement Killable (kill and start)`;
    return selectorProblem(db, test, variants);
  },
  create({ db, intervalNs, random, variants }) {
    const selectors = variants.length > 0 ? (variants as Selector[]) : defaultSelectors(db);
    return {
      nemesis: new KillNemesis(),
      generator: faultCycle({ fault: 'kill', intervalNs, random, start: (d) => d.pick(selectors) }),
      final: healOnce('kill'),
      // Restarting needs a node that is not frozen.
      healOrder: 2,
    };
  },
};
