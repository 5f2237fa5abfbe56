import type { EdgeKind } from '../explanations.ts';
import { ALL_RELS, DATA_RELS, REL_KINDS, Rel, type DepGraph } from './graph.ts';

export type BaseClass = 'G0' | 'G1c' | 'G-single' | 'G-nonadjacent' | 'G2-item';
export type Variant = '' | 'process' | 'realtime';

/**
 * A class of dependency cycle, as a small automaton over edge labels (Elle's cycle anomaly
 * specs): which relations the cycle may use, and what it must contain to be named this class.
 */
export interface CycleClass {
  readonly type: string;
  readonly base: BaseClass;
  readonly variant: Variant;
  /** Relations the cycle may use. */
  readonly allowed: number;
  /** Every cycle of this class has an edge of one of these relations; searches start there. */
  readonly start: number;
  readonly stateCount: number;
  readonly initial: number;
  /** `table[state * 5 + label]`: the next state, or -1 when the label is not allowed there. */
  readonly table: Int16Array;
  readonly accept: Uint8Array;
}

export const BASE_CLASSES: readonly BaseClass[] = ['G0', 'G1c', 'G-single', 'G-nonadjacent', 'G2-item'];

// Edge labels: a relation's index in REL_KINDS (its bit in a Rel mask).
const LABELS = REL_KINDS.length;
const WR = REL_KINDS.indexOf('wr');
const RW = REL_KINDS.indexOf('rw');
const PROCESS = REL_KINDS.indexOf('process');
const REALTIME = REL_KINDS.indexOf('realtime');

// Bits of an automaton state.
const NONEMPTY = 1;
const RW_ONE = 2;
const RW_MANY = 4;
const FIRST_RW = 8;
const LAST_RW = 16;
const ADJ_RW = 32;
const SAW_WR = 64;
const SAW_VARIANT = 128;

const classes = new Map<string, CycleClass>();

export function cycleClass(base: BaseClass, variant: Variant): CycleClass {
  const type = variant === '' ? base : `${base}-${variant}`;
  let c = classes.get(type);
  if (!c) classes.set(type, (c = buildClass(type, base, variant)));
  return c;
}

function buildClass(type: string, base: BaseClass, variant: Variant): CycleClass {
  const baseRels = base === 'G0' ? Rel.ww : base === 'G1c' ? Rel.ww | Rel.wr : DATA_RELS;
  const allowed = baseRels | (variant === 'process' ? Rel.process : variant === 'realtime' ? Rel.process | Rel.realtime : 0);
  const start = base === 'G0' ? Rel.ww : base === 'G1c' ? Rel.wr : Rel.rw;
  const step = (s: number, label: number): number => {
    if ((allowed & (1 << label)) === 0) return -1;
    const isRw = label === RW;
    if (base === 'G-single' && isRw && s & RW_ONE) return -1;
    if (base === 'G-nonadjacent' && isRw && s & LAST_RW) return -1;
    let t = s | NONEMPTY;
    if (!(s & NONEMPTY) && isRw) t |= FIRST_RW;
    if (isRw) t = t & RW_ONE ? t | RW_MANY : t | RW_ONE;
    if (isRw && s & LAST_RW) t |= ADJ_RW;
    t = isRw ? t | LAST_RW : t & ~LAST_RW;
    if (label === WR) t |= SAW_WR;
    if ((variant === 'process' && label === PROCESS) || (variant === 'realtime' && label === REALTIME)) t |= SAW_VARIANT;
    // Keep only the bits this class looks at, so the state space stays small.
    return t & relevantBits(base, variant);
  };
  const accepts = (s: number): boolean => {
    if (!(s & NONEMPTY)) return false;
    if (variant !== '' && !(s & SAW_VARIANT)) return false;
    const wrapRw = (s & FIRST_RW) !== 0 && (s & LAST_RW) !== 0;
    switch (base) {
      case 'G0':
        return true;
      case 'G1c':
        return (s & SAW_WR) !== 0;
      case 'G-single':
        return (s & RW_ONE) !== 0 && !(s & RW_MANY);
      case 'G-nonadjacent':
        return (s & RW_MANY) !== 0 && !wrapRw;
      case 'G2-item':
        return (s & RW_MANY) !== 0 && ((s & ADJ_RW) !== 0 || wrapRw);
    }
  };
  // Number the reachable states.
  const ids = new Map<number, number>([[0, 0]]);
  const order = [0];
  for (let i = 0; i < order.length; i++) {
    for (let label = 0; label < LABELS; label++) {
      const t = step(order[i]!, label);
      if (t >= 0 && !ids.has(t)) {
        ids.set(t, order.length);
        order.push(t);
      }
    }
  }
  const table = new Int16Array(order.length * LABELS).fill(-1);
  const accept = new Uint8Array(order.length);
  order.forEach((s, i) => {
    accept[i] = accepts(s) ? 1 : 0;
    for (let label = 0; label < LABELS; label++) {
      const t = step(s, label);
      if (t >= 0) table[i * LABELS + label] = ids.get(t)!;
    }
  });
  return { type, base, variant, allowed, start, stateCount: order.length, initial: 0, table, accept };
}

function relevantBits(base: BaseClass, variant: Variant): number {
  let bits = NONEMPTY | (variant === '' ? 0 : SAW_VARIANT);
  if (base === 'G1c') bits |= SAW_WR;
  if (base === 'G-single') bits |= RW_ONE;
  if (base === 'G-nonadjacent') bits |= RW_ONE | RW_MANY | FIRST_RW | LAST_RW;
  if (base === 'G2-item') bits |= RW_ONE | RW_MANY | FIRST_RW | LAST_RW | ADJ_RW;
  return bits;
}

/** A cycle T1 → T2 → … → Tk → T1; `kinds[i]` names the edge from `nodes[i]` to the next. */
export interface FoundCycle {
  nodes: number[];
  kinds: EdgeKind[];
}

/** Shared limits for one check: a wall-clock deadline and a per-search work cap. */
export interface SearchBudget {
  deadline: number;
  /** Edge relaxations one (component, class) search may spend before settling for what it has. */
  workPerSearch: number;
  timedOut: boolean;
}

export interface SearchOutcome {
  cycle: FoundCycle | undefined;
  /** True when every start was tried, so `cycle` is the shortest (or none exists). */
  exhaustive: boolean;
}

/**
 * The shortest cycle of class `cls` inside `component` (a set of nodes that is strongly connected
 * under `cls.allowed`). Breadth-first search over (node, automaton state) from each node that
 * starts a required edge; a found length bounds every later search. `maxStarts` limits how many
 * start nodes are tried (the result is then the shortest through those).
 */
export function shortestCycle(
  graph: DepGraph,
  component: ArrayLike<number>,
  cls: CycleClass,
  budget: SearchBudget,
  maxStarts = Infinity,
): SearchOutcome {
  const { offsets, targets, rels } = graph;
  const S = cls.stateCount;
  const local = new Map<number, number>();
  for (let i = 0; i < component.length; i++) local.set(component[i]!, i);
  const parent = new Map<number, number>();
  let best: FoundCycle | undefined;
  let bestLen = Infinity;
  let work = 0;
  let starts = 0;
  for (let s = 0; s < component.length && starts < maxStarts; s++) {
    if (!startsRequiredEdge(graph, component[s]!, local, cls.start)) continue;
    starts++;
    parent.clear();
    const queue = [s * S + cls.initial];
    parent.set(queue[0]!, -1);
    let head = 0;
    let depth = 0;
    let layerEnd = 1;
    let closing: { last: number; label: number } | undefined;
    bfs: while (head < queue.length) {
      if (head === layerEnd) {
        depth++;
        layerEnd = queue.length;
        if (depth + 1 >= bestLen) break;
      }
      const code = queue[head++]!;
      const u = Math.floor(code / S);
      const st = code - u * S;
      const g = component[u]!;
      for (let p = offsets[g]!, end = offsets[g + 1]!; p < end; p++) {
        const r = rels[p]! & cls.allowed;
        if (r === 0) continue;
        const v = local.get(targets[p]!);
        if (v === undefined) continue;
        work++;
        for (let label = 0; label < LABELS; label++) {
          if ((r & (1 << label)) === 0) continue;
          const next = cls.table[st * LABELS + label]!;
          if (next < 0) continue;
          if (v === s) {
            if (cls.accept[next]) {
              closing = { last: code, label };
              break bfs;
            }
            continue;
          }
          const c2 = v * S + next;
          if (parent.has(c2)) continue;
          parent.set(c2, code * LABELS + label);
          queue.push(c2);
        }
      }
      if ((head & 1023) === 0 && performance.now() > budget.deadline) {
        budget.timedOut = true;
        return { cycle: best, exhaustive: false };
      }
      if (work > budget.workPerSearch) return { cycle: best, exhaustive: false };
    }
    if (closing) {
      best = reconstruct(component, S, parent, closing);
      bestLen = best.nodes.length;
      if (bestLen === 2) return { cycle: best, exhaustive: true };
    }
  }
  return { cycle: best, exhaustive: starts < maxStarts || maxStarts === Infinity };
}

function startsRequiredEdge(graph: DepGraph, node: number, local: Map<number, number>, required: number): boolean {
  for (let p = graph.offsets[node]!, end = graph.offsets[node + 1]!; p < end; p++) {
    if (graph.rels[p]! & required && local.has(graph.targets[p]!)) return true;
  }
  return false;
}

function reconstruct(
  component: ArrayLike<number>,
  S: number,
  parent: Map<number, number>,
  best: { last: number; label: number },
): FoundCycle {
  const nodes: number[] = [];
  const kinds: EdgeKind[] = [];
  let code = best.last;
  let label = best.label;
  for (;;) {
    nodes.push(component[Math.floor(code / S)]!);
    kinds.push(REL_KINDS[label]!);
    const p = parent.get(code)!;
    if (p < 0) break;
    code = Math.floor(p / LABELS);
    label = p - code * LABELS;
  }
  nodes.reverse();
  kinds.reverse();
  return { nodes, kinds };
}

/** Any shortest cycle through `component[0]`, preferring data relations; for classification. */
export function anyCycle(graph: DepGraph, component: ArrayLike<number>): FoundCycle | undefined {
  const budget: SearchBudget = { deadline: Infinity, workPerSearch: Infinity, timedOut: false };
  const only = cycleClass('G0', '');
  const any: CycleClass = {
    ...only,
    type: 'any',
    allowed: ALL_RELS,
    start: ALL_RELS,
    stateCount: 1,
    table: new Int16Array(LABELS).fill(0),
    accept: new Uint8Array([1]),
  };
  return shortestCycle(graph, component, any, budget, 1).cycle;
}

/** Names a cycle by its edges, as Elle does: data class first, then -realtime or -process. */
export function classifyCycle(kinds: readonly EdgeKind[]): string {
  const count = (k: EdgeKind) => kinds.filter((x) => x === k).length;
  const rw = count('rw');
  const adjacent = kinds.some((k, i) => k === 'rw' && kinds[(i + 1) % kinds.length] === 'rw');
  const base = rw === 1 ? 'G-single' : rw > 1 ? (adjacent ? 'G2-item' : 'G-nonadjacent') : count('wr') > 0 ? 'G1c' : 'G0';
  const suffix = count('realtime') > 0 ? '-realtime' : count('process') > 0 ? '-process' : '';
  return base + suffix;
}
