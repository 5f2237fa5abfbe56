import type { EdgeKind } from '../explanations.ts';
import { grownInt32, grownUint8, int32s, uint8s } from './typed-arrays.ts';

/**
 * The transaction dependency graph: one thin module (STYLE.md #10). An edge carries the set of
 * relations linked between its two ends, unioned on link, as a bit mask.
 *
 * Why not graphology here: at 1M transactions and ~10M links, graphology took 92 s and 2.5 GB
 * to build the graph, and graphology-components' recursive SCC overflowed the stack on the long
 * process/realtime chains every history has (bench/elle-graphology.ts prints the comparison).
 * Typed arrays in CSR form build the same graph in well under a second.
 */
export const Rel = { ww: 1, wr: 2, rw: 4, process: 8, realtime: 16 } as const;
export const REL_KINDS: readonly EdgeKind[] = ['ww', 'wr', 'rw', 'process', 'realtime'];
export const DATA_RELS = Rel.ww | Rel.wr | Rel.rw;
export const ALL_RELS = DATA_RELS | Rel.process | Rel.realtime;

/** Collects links; `freeze()` turns them into a {@link DepGraph}. Self-links are dropped. */
export class DepGraphBuilder {
  private from: Int32Array;
  private to: Int32Array;
  private rel: Uint8Array;
  private size = 0;

  constructor(
    readonly nodeCount: number,
    capacity = Math.max(1024, nodeCount * 4),
  ) {
    this.from = int32s(capacity);
    this.to = int32s(capacity);
    this.rel = uint8s(capacity);
  }

  get linkCount(): number {
    return this.size;
  }

  link(a: number, b: number, rel: number): void {
    if (a === b) return;
    if (this.size === this.from.length) this.grow();
    const i = this.size++;
    this.from[i] = a;
    this.to[i] = b;
    this.rel[i] = rel;
  }

  private grow(): void {
    this.from = grownInt32(this.from, 0);
    this.to = grownInt32(this.to, 0);
    this.rel = grownUint8(this.rel, 0);
  }

  /** Compressed sparse rows, one edge per (from, to) pair with the union of its relations. */
  freeze(): DepGraph {
    const n = this.nodeCount;
    const m = this.size;
    const offsets = int32s(n + 1);
    const targets = int32s(m);
    const rels = uint8s(m);
    for (let i = 0; i < m; i++) offsets[this.from[i]! + 1]!++;
    for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
    const cursor = int32s(n);
    cursor.set(offsets.subarray(0, n));
    for (let i = 0; i < m; i++) {
      const p = cursor[this.from[i]!]!++;
      targets[p] = this.to[i]!;
      rels[p] = this.rel[i]!;
    }
    this.size = 0;
    // Union duplicate (from, to) pairs in place; rows only shrink, so writes never pass reads.
    const seenRow = int32s(n, -1);
    const seenAt = int32s(n);
    let w = 0;
    let start = 0;
    for (let u = 0; u < n; u++) {
      const end = offsets[u + 1]!;
      for (let p = start; p < end; p++) {
        const t = targets[p]!;
        if (seenRow[t] === u) {
          rels[seenAt[t]!]! |= rels[p]!;
        } else {
          seenRow[t] = u;
          seenAt[t] = w;
          targets[w] = t;
          rels[w] = rels[p]!;
          w++;
        }
      }
      start = end;
      offsets[u + 1] = w;
    }
    this.from = new Int32Array(0);
    this.to = new Int32Array(0);
    this.rel = new Uint8Array(0);
    return new DepGraph(n, offsets, targets.subarray(0, w), rels.subarray(0, w));
  }
}

/** An immutable dependency graph over nodes 0..nodeCount-1. */
export class DepGraph {
  constructor(
    readonly nodeCount: number,
    readonly offsets: Int32Array,
    readonly targets: Int32Array,
    readonly rels: Uint8Array,
  ) {}

  get edgeCount(): number {
    return this.targets.length;
  }

  /** The relations from `a` to `b` (0 when there is no edge). */
  rel(a: number, b: number): number {
    for (let p = this.offsets[a]!, end = this.offsets[a + 1]!; p < end; p++) if (this.targets[p] === b) return this.rels[p]!;
    return 0;
  }

  /** How many edges carry each relation. */
  relCounts(): Record<EdgeKind, number> {
    const rels = this.rels;
    let ww = 0;
    let wr = 0;
    let rw = 0;
    let process = 0;
    let realtime = 0;
    for (let p = 0; p < rels.length; p++) {
      const r = rels[p]!;
      ww += r & 1;
      wr += (r >> 1) & 1;
      rw += (r >> 2) & 1;
      process += (r >> 3) & 1;
      realtime += (r >> 4) & 1;
    }
    return { ww, wr, rw, process, realtime };
  }

  /**
   * Strongly connected components with at least two nodes (there are no self-edges), using only
   * edges that carry a relation in `mask`, restricted to `subset` when given. Iterative Tarjan:
   * histories have dependency chains far longer than any call stack.
   */
  components(subset: ArrayLike<number> | null, mask = ALL_RELS): Int32Array[] {
    const { offsets, targets, rels } = this;
    const count = subset ? subset.length : this.nodeCount;
    const localOf = subset ? localIndex(this.nodeCount, subset) : null;
    const globalOf = (v: number) => (subset ? subset[v]! : v);
    const index = int32s(count, -1);
    const low = int32s(count);
    const onStack = uint8s(count);
    const stack = int32s(count);
    const callNode = int32s(count);
    const callEdge = int32s(count);
    const found: Int32Array[] = [];
    let sp = 0;
    let counter = 0;
    for (let root = 0; root < count; root++) {
      if (index[root] !== -1) continue;
      let csp = 0;
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = 1;
      callNode[csp] = root;
      callEdge[csp++] = offsets[globalOf(root)]!;
      while (csp > 0) {
        const v = callNode[csp - 1]!;
        const end = offsets[globalOf(v) + 1]!;
        let e = callEdge[csp - 1]!;
        let descended = false;
        while (e < end) {
          if ((rels[e]! & mask) === 0) {
            e++;
            continue;
          }
          const t = targets[e++]!;
          const w = localOf ? localOf.get(t) ?? -1 : t;
          if (w < 0) continue;
          if (index[w] === -1) {
            callEdge[csp - 1] = e;
            index[w] = low[w] = counter++;
            stack[sp++] = w;
            onStack[w] = 1;
            callNode[csp] = w;
            callEdge[csp++] = offsets[globalOf(w)]!;
            descended = true;
            break;
          }
          if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        }
        if (descended) continue;
        csp--;
        if (csp > 0) {
          const parent = callNode[csp - 1]!;
          if (low[v]! < low[parent]!) low[parent] = low[v]!;
        }
        if (low[v] === index[v]) {
          let size = 0;
          while (stack[sp - 1 - size] !== v) size++;
          size++;
          const members = stack.slice(sp - size, sp);
          sp -= size;
          for (const x of members) onStack[x] = 0;
          if (size >= 2) {
            for (let i = 0; i < size; i++) members[i] = globalOf(members[i]!);
            found.push(members.sort());
          }
        }
      }
    }
    return found;
  }
}

/** Maps global node ids to their positions in `subset`. */
export function localIndex(_nodeCount: number, subset: ArrayLike<number>): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < subset.length; i++) m.set(subset[i]!, i);
  return m;
}
