import type { FullDatabase } from '../harness/database.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import type { NemesisContext } from '../harness/nemesis.ts';
import { nodeNames } from './nodes.ts';
import type { Draw } from '../harness/random.ts';

export const SELECTORS = ['one', 'minority', 'majority', 'all', 'primaries', 'random'] as const;
export type Selector = (typeof SELECTORS)[number];

export const SELECTOR_HELP: Record<Selector, string> = {
  one: 'one random node',
  minority: 'a random minority: fewer than half the nodes, so the rest keep a quorum (at least one node)',
  majority: 'a random majority',
  all: 'every node',
  primaries: 'the nodes that currently lead (the database says who)',
  random: 'a random non-empty subset',
};

/** The smallest majority of `n` nodes. */
export const majorityOf = (n: number): number => Math.floor(n / 2) + 1;

export interface Selection {
  nodes: string[];
  /** Why the selection differs from what was asked (no primary known). */
  note?: string;
}

/**
 * The nodes `selector` picks from `nodes`, every choice from `draw` (so a seed replays it), always
 * at least one. `primaries` is what the database said leads now; with none known, one random
 * node is picked instead and `note` says so.
 */
export function selectNodes(selector: Selector, nodes: readonly string[], draw: Draw, primaries?: readonly string[]): Selection {
  if (nodes.length === 0) throw new RangeError('no nodes to select from');
  const n = nodes.length;
  const take = (k: number) => ({ nodes: draw.shuffle(nodes).slice(0, k).sort(byName) });
  switch (selector) {
    case 'one':
      return take(1);
    case 'minority':
      return take(Math.max(1, Math.floor((n - 1) / 2)));
    case 'majority':
      return take(Math.min(n, majorityOf(n)));
    case 'all':
      return { nodes: [...nodes].sort(byName) };
    case 'random':
      return take(draw.int(1, n));
    case 'primaries': {
      const leaders = (primaries ?? []).filter((p) => nodes.includes(p));
      if (leaders.length > 0) return { nodes: [...new Set(leaders)].sort(byName) };
      return { ...take(1), note: 'no node said it leads, so one random node was picked instead' };
    }
  }
}

/** n2 before n10. */
export function byName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The selectors a run draws from when none are chosen: `primaries` only where the database can say who leads. */
export function defaultSelectors(db: FullDatabase): Selector[] {
  return SELECTORS.filter((s) => s !== 'primaries' || db.primaries !== undefined);
}

/** Why the chosen selectors cannot work on this database, or undefined. */
export function selectorProblem(db: FullDatabase, _test: TestSpec, variants: readonly string[]): string | undefined {
  if (variants.includes('primaries') && !db.primaries) return `${db.name} cannot say which node leads, so the primaries selector has nothing to aim at`;
  return undefined;
}

export function checkSelector(value: unknown): Selector {
  if (!(SELECTORS as readonly unknown[]).includes(value)) throw new Error(`unknown node selector ${JSON.stringify(value)}; expected one of ${SELECTORS.join(', ')}`);
  return value as Selector;
}

/** The nodes a nemesis op aims at, from the nemesis's seeded stream (asking the database for primaries when needed). */
export async function pickNodes(ctx: NemesisContext, selector: Selector): Promise<Selection & { selector: Selector }> {
  const primaries = selector === 'primaries' ? await ctx.db.primaries?.(ctx.cluster) : undefined;
  return { selector, ...selectNodes(selector, nodeNames(ctx.cluster), ctx.random, primaries) };
}
