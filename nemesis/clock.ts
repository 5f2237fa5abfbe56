import { FAKETIME_LIBRARY, writeClockOffset } from '../harness/faketime.ts';
import type { FullDatabase } from '../harness/database.ts';
import type { Draw } from '../harness/random.ts';
import { measureOffset, type MeasuredOffset } from './clock-offsets.ts';
import type { Nemesis, NemesisContext, NemesisFactory, NemesisOp, NemesisResult } from '../harness/nemesis.ts';
import { forEachNode, nodeNames } from './nodes.ts';
import { faultCycle, healOnce } from './schedule.ts';
import { checkSelector, defaultSelectors, pickNodes, type Selector } from './select.ts';

/** `bump`: jump by ±Δ and stay; `strobe`: flip between the current offset and +Δ for a while. */
export type ClockRequest =
  | { mode: 'bump'; selector: Selector; deltaMs: number }
  | { mode: 'strobe'; selector: Selector; deltaMs: number; periodMs: number; durationMs: number };

const MODES = { bump: 'jump the clock of some nodes by ±Δ (4 ms to 4.4 min, log-uniform)', strobe: 'flip some nodes\' clocks between two offsets every 1–2 s for a few seconds' } as const;

/** libfaketime re-reads the offset file at most once a second: a faster strobe would not be seen. */
const MIN_STROBE_PERIOD_MS = 1_000;

/**
 * Clock skew through libfaketime: the database runs with libfaketime preloaded, reading its
 * offset from a file in the node (docker/faketime.ts) that this nemesis rewrites. The real clock
 * is never stepped (it is the host's). After every change the offsets in effect are measured on
 * every node and recorded, so the history says what the clocks really were, not what was asked.
 */
export class ClockNemesis implements Nemesis {
  readonly fs = ['start-clock', 'stop-clock'];
  private readonly offsets = new Map<string, number>();

  async setup(ctx: NemesisContext): Promise<void> {
    await forEachNode(ctx.cluster, async (node) => {
      const lib = await ctx.cluster.exec(node, ['test', '-e', FAKETIME_LIBRARY], { timeoutMs: 10_000 });
      if (lib.exitCode !== 0) throw new Error(`the ${ctx.db.name} image has no libfaketime at ${FAKETIME_LIBRARY}, so its clock cannot be skewed`);
    });
    await this.set(ctx, nodeNames(ctx.cluster), 0);
    const measured = await this.measure(ctx);
    ctx.log.info(`clock: offsets at start ${describeOffsets(measured)}`);
  }

  async invoke(op: NemesisOp, ctx: NemesisContext): Promise<NemesisResult> {
    if (op.f === 'stop-clock') {
      await this.set(ctx, nodeNames(ctx.cluster), 0);
      const offsets = await this.measure(ctx);
      ctx.log.info(`clock reset: ${describeOffsets(offsets)}`);
      return { value: { mode: 'reset', offsets } };
    }
    const req = op.value as ClockRequest;
    const pick = await pickNodes(ctx, checkSelector(req.selector));
    if (req.mode === 'bump') {
      for (const node of pick.nodes) await this.set(ctx, [node], (this.offsets.get(node) ?? 0) + req.deltaMs);
      const offsets = await this.measure(ctx);
      ctx.log.info(`clock bump ${req.deltaMs > 0 ? '+' : ''}${req.deltaMs} ms on ${pick.nodes.join(' ')}: ${describeOffsets(offsets)}`);
      return { value: { ...req, ...pick, offsets } };
    }
    if (req.mode !== 'strobe') throw new Error(`unknown clock mode ${JSON.stringify((req as { mode: unknown }).mode)}; expected bump or strobe`);
    const periodMs = Math.max(MIN_STROBE_PERIOD_MS, req.periodMs);
    const base = new Map(pick.nodes.map((n) => [n, this.offsets.get(n) ?? 0]));
    const end = Date.now() + req.durationMs;
    let flips = 0;
    let strobed: Record<string, MeasuredOffset> = {};
    while (Date.now() < end) {
      const high = flips % 2 === 0;
      await forEachNode(ctx.cluster, (node) => this.set(ctx, [node], base.get(node)! + (high ? req.deltaMs : 0)), pick.nodes);
      if (flips === 0) strobed = await this.measure(ctx, pick.nodes);
      flips++;
      await new Promise((resolve) => setTimeout(resolve, Math.min(periodMs, Math.max(0, end - Date.now()))));
    }
    await forEachNode(ctx.cluster, (node) => this.set(ctx, [node], base.get(node)!), pick.nodes);
    const offsets = await this.measure(ctx);
    ctx.log.info(`clock strobe ±${req.deltaMs} ms every ${periodMs} ms on ${pick.nodes.join(' ')}: ${flips} flips`);
    return { value: { ...req, periodMs, ...pick, flips, strobed, offsets } };
  }

  async teardown(ctx: NemesisContext): Promise<void> {
    // Nothing to heal on nodes never skewed; a node whose container is gone has no clock left.
    const skewed = [...this.offsets].filter(([, ms]) => ms !== 0).map(([n]) => n);
    await forEachNode(ctx.cluster, (node) => this.set(ctx, [node], 0), skewed);
  }

  private async set(ctx: NemesisContext, nodes: readonly string[], ms: number): Promise<void> {
    await forEachNode(ctx.cluster, async (node) => {
      await writeClockOffset(ctx.cluster, node, ms / 1000);
      this.offsets.set(node, ms);
    }, nodes);
  }

  private async measure(ctx: NemesisContext, nodes: readonly string[] = nodeNames(ctx.cluster)): Promise<Record<string, MeasuredOffset>> {
    const out: Record<string, MeasuredOffset> = {};
    await forEachNode(ctx.cluster, async (node) => {
      out[node] = await measureOffset(ctx.cluster, node);
    }, nodes);
    return Object.fromEntries(nodes.map((n) => [n, out[n]!]));
  }
}

function describeOffsets(offsets: Record<string, MeasuredOffset>): string {
  return Object.entries(offsets)
    .map(([n, o]) => `${n} ${o.offsetMs >= 0 ? '+' : ''}${o.offsetMs}±${o.errorMs} ms`)
    .join(', ');
}

/** Jepsen's bump sizes: 2^[2, 18) ms, either sign. */
function bumpDelta(d: Draw): number {
  return (d.bool() ? 1 : -1) * Math.round(2 ** (2 + 16 * d.float()));
}

export function clockRequest(d: Draw, modes: readonly (keyof typeof MODES)[], selectors: readonly Selector[]): ClockRequest {
  const mode = d.pick(modes);
  const selector = d.pick(selectors);
  if (mode === 'bump') return { mode, selector, deltaMs: bumpDelta(d) };
  return { mode, selector, deltaMs: bumpDelta(d), periodMs: d.int(MIN_STROBE_PERIOD_MS, 2 * MIN_STROBE_PERIOD_MS), durationMs: d.int(3_000, 8_000) };
}

/** Why clock faults cannot run against `db`, or undefined. */
export function clockProblem(db: FullDatabase): string | undefined {
  if (db.honoursFaketime === true) return undefined;
  return db.clockReason ?? `${db.name} does not declare that its binaries honour libfaketime (ClockAware), so a skew could not be trusted to take effect`;
}

export const clockFactory: NemesisFactory = {
  name: 'clock',
  description: 'skew node clocks with libfaketime: bump by ±Δ, strobe, reset (databases whose binaries honour it)',
  variants: MODES,
  unsupported: (db) => clockProblem(db),
  create({ db, intervalNs, random, variants }) {
    const modes = variants.length > 0 ? (variants as (keyof typeof MODES)[]) : (Object.keys(MODES) as (keyof typeof MODES)[]);
    const selectors = defaultSelectors(db);
    return {
      nemesis: new ClockNemesis(),
      generator: faultCycle({ fault: 'clock', intervalNs, random, start: (d) => clockRequest(d, modes, selectors) }),
      final: healOnce('clock'),
      healOrder: 1,
    };
  },
};
