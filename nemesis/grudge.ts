import type { Draw } from '../harness/random.ts';
import { byName } from './select.ts';

/**
 * Who drops whose packets: `grudge[a]` lists the nodes whose traffic `a` discards (Jepsen's
 * grudge). A symmetric cut lists each pair both ways; a one-way cut only one way. Nodes with
 * nothing to drop are absent.
 */
export type Grudge = Record<string, string[]>;

export const TOPOLOGIES = ['one', 'majority', 'majorities-ring', 'bridge', 'primaries', 'one-way'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export const TOPOLOGY_HELP: Record<Topology, string> = {
  one: 'isolate one random node from all the others',
  majority: 'cut the nodes into two random halves (a minority and a majority)',
  'majorities-ring': 'every node sees a majority (itself and its ring neighbours), no two the same majority',
  bridge: 'two halves that cannot talk, joined by one node that sees both',
  primaries: 'isolate the nodes that currently lead (the database says who)',
  'one-way': 'random halves where only one side drops what the other sends (an asymmetric cut)',
};

/** Fewest nodes each topology needs to cut anything. */
export const MIN_NODES: Record<Topology, number> = { one: 2, majority: 2, 'majorities-ring': 3, bridge: 3, primaries: 2, 'one-way': 2 };

/** A partition as chosen: the grudge to install and how to describe it. */
export interface PartitionPlan {
  topology: Topology;
  grudge: Grudge;
  /** Groups that can talk among themselves (symmetric cuts), for a person reading the history. */
  components?: string[][];
  /** One-way cuts: traffic from `from` to `to` is dropped; the reverse flows. */
  from?: string[];
  to?: string[];
  /** Why the plan differs from what was asked (no primary known, so one node was isolated). */
  note?: string;
}

/** Every node drops traffic from every node outside its own component. */
export function completeGrudge(components: readonly (readonly string[])[]): Grudge {
  const grudge: Grudge = {};
  for (const c of components) {
    const others = components.filter((o) => o !== c).flat();
    if (others.length === 0) continue;
    for (const n of c) grudge[n] = [...others].sort(byName);
  }
  return grudge;
}

/** A shuffled list cut in two: the first floor(n/2) nodes and the rest (the majority when n is odd). */
export function halves(shuffled: readonly string[]): [string[], string[]] {
  const k = Math.floor(shuffled.length / 2);
  return [shuffled.slice(0, k), shuffled.slice(k)];
}

/**
 * Each node sees a majority and no two nodes see the same one (Jepsen's majorities-ring): on a
 * ring of the shuffled nodes, a node sees itself and its nearest neighbours on both sides, as
 * many as a majority needs (one more when the count is uneven, so the cut stays symmetric). With
 * three nodes a symmetric window would see everything, so there a node sees itself and its next
 * neighbour only, and the cut is one-way.
 */
export function majoritiesRing(ring: readonly string[]): Grudge {
  const n = ring.length;
  const majority = Math.floor(n / 2) + 1;
  const h = Math.ceil((majority - 1) / 2);
  const symmetric = 2 * h + 1 < n;
  const grudge: Grudge = {};
  ring.forEach((node, i) => {
    const sees = new Set<string>();
    if (symmetric) for (let d = -h; d <= h; d++) sees.add(ring[(i + d + n) % n]!);
    else for (let d = 0; d < majority; d++) sees.add(ring[(i + d) % n]!);
    const drops = ring.filter((o) => !sees.has(o));
    if (drops.length > 0) grudge[node] = [...drops].sort(byName);
  });
  return grudge;
}

/** Two halves joined by one node that is in both: the halves cannot talk, the bridge talks to all. */
export function bridge(shuffled: readonly string[]): { grudge: Grudge; bridge: string; left: string[]; right: string[] } {
  const mid = Math.floor((shuffled.length - 1) / 2);
  const left = shuffled.slice(0, mid);
  const right = shuffled.slice(mid + 1);
  const grudge = completeGrudge([left, right]);
  return { grudge, bridge: shuffled[mid]!, left, right };
}

/**
 * The partition `topology` makes of `nodes`, with every random choice from `draw`. `primaries`
 * is what the database said leads now; with no primary known (or every node claiming to) the
 * `primaries` topology isolates one random node instead and says so in `note`.
 */
export function planPartition(topology: Topology, nodes: readonly string[], draw: Draw, primaries?: readonly string[]): PartitionPlan {
  if (nodes.length < MIN_NODES[topology]) throw new RangeError(`the ${topology} partition needs at least ${MIN_NODES[topology]} nodes, got ${nodes.length}`);
  const shuffled = draw.shuffle(nodes);
  switch (topology) {
    case 'one': {
      const components = [[shuffled[0]!], shuffled.slice(1).sort(byName)];
      return { topology, grudge: completeGrudge(components), components };
    }
    case 'majority': {
      const components = halves(shuffled).map((h) => h.sort(byName));
      return { topology, grudge: completeGrudge(components), components };
    }
    case 'majorities-ring':
      return { topology, grudge: majoritiesRing(shuffled) };
    case 'bridge': {
      const b = bridge(shuffled);
      return { topology, grudge: b.grudge, components: [[...b.left, b.bridge].sort(byName), [b.bridge, ...b.right].sort(byName)], note: `${b.bridge} bridges both halves` };
    }
    case 'primaries': {
      const leaders = (primaries ?? []).filter((p) => nodes.includes(p));
      if (leaders.length === 0 || leaders.length === nodes.length) {
        const plan = planPartition('one', nodes, draw);
        const why = leaders.length === 0 ? 'no node said it leads' : 'every node said it leads';
        return { ...plan, topology, note: `${why}, so one random node (${plan.components![0]![0]}) was isolated instead` };
      }
      const components = [[...leaders].sort(byName), nodes.filter((n) => !leaders.includes(n)).sort(byName)];
      return { topology, grudge: completeGrudge(components), components };
    }
    case 'one-way': {
      const [a, b] = halves(shuffled);
      // Which side goes deaf is itself random: a deaf minority and a deaf majority fail differently.
      const [from, to] = draw.bool() ? [a, b] : [b, a];
      const grudge: Grudge = {};
      for (const n of to) grudge[n] = [...from].sort(byName);
      return { topology, grudge, from: [...from].sort(byName), to: [...to].sort(byName) };
    }
  }
}

/** `n1 n2 | n3 n4 n5`, `n1 n2 ⇸ n3 n4 n5` or the grudge itself, for log lines. */
export function describePlan(plan: PartitionPlan): string {
  if (plan.from && plan.to) return `${plan.from.join(' ')} ⇸ ${plan.to.join(' ')} (one-way)`;
  const base = plan.components
    ? plan.components.map((c) => c.join(' ')).join(' | ')
    : Object.entries(plan.grudge)
        .map(([n, drops]) => `${n}✕${drops.join(',')}`)
        .join(' ');
  return plan.note ? `${base} (${plan.note})` : base;
}
