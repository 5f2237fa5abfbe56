import { ConfigCache, configHash } from './config-cache.ts';
import type { CompleteModel } from './model.ts';
import type { PreparedOps } from './prepared-ops.ts';
import type { RunLimits, SearchResult } from './search.ts';
import { StateTable } from './state-table.ts';

/** A configuration the last level could not extend, for the failure explanation. */
export interface StuckConfig {
  /** Internal ids of the ops linearized (completed and crashed). */
  linearized: number[];
  /** Interned state id. */
  state: number;
  /** Internal id of the op that had to be linearized next (the first to return) and could not. */
  failedOp: number;
}

const MAX_STUCK_STATES = 8;

/**
 * The configurations of {@link LinearizationSearch} (linearized set, model state), explored
 * level by level instead of depth first. Level k holds every configuration with k ops that are
 * not reads linearized, each followed at once by every read then legal (a legal read may as well
 * go at once, see search.ts). A configuration can only meet its duplicates — and those that
 * dominate it, with more reads — in its own level, so deduplicating the next level is the whole
 * memo, and memory is two levels, not every configuration ever seen.
 *
 * That is what decides dense histories (20–50 clients always in flight on one key): proving one
 * non-linearizable means visiting every configuration reachable before the bad op, tens of
 * millions of them, more than the depth-first memo can hold. The depth-first search stays first
 * choice (on a linearizable history it usually finds a path long before it has seen them all);
 * the checker runs the two side by side.
 *
 * The same reductions apply: only the first of a set of twins is tried, a crashed op that
 * changes nothing is not taken, and a configuration dominated by another in its level (fewer
 * reads or more crashed ops) is dropped. Resumable: {@link run} takes a step budget.
 */
export class FrontierSearch<S> {
  private readonly states: StateTable<S>;
  private current: ConfigCache;
  private currentHash: Int32Array;
  private next: ConfigCache;
  private nextHash: Int32Array;
  private cursor = 0;
  private level = 0;
  private steps = 0;
  private configs = 0;
  private result: SearchResult<S> | undefined;
  private stuck: StuckConfig | undefined;
  // The configuration being expanded, as a bitset over words [wsLo, wsHi]: every op below the
  // range is linearized, none above it is.
  private readonly bits: Uint32Array;
  private wsLo = 0;
  private wsHi = 0;
  private readonly touched: number[] = [];
  /** Candidates of the configuration being expanded, the reads among them, and scratch for the read closure. */
  private readonly candidates: number[] = [];
  private readonly pendingReads: number[] = [];
  private readonly readCandidates: number[] = [];
  private readonly inCrashed: Uint8Array;
  private readonly crashed: number[] = [];
  private readonly key: Uint32Array;

  constructor(
    private readonly p: PreparedOps,
    private readonly model: CompleteModel<S>,
    private readonly maxBytes: number,
  ) {
    this.states = new StateTable(model);
    this.bits = new Uint32Array(((p.m + 31) >>> 5) + 2);
    this.key = new Uint32Array(this.bits.length + 1 + (p.n - p.m));
    this.inCrashed = new Uint8Array(p.n);
    this.next = new ConfigCache(maxBytes / 2, p.readMask);
    this.nextHash = new Int32Array(16);
    // The first level: nothing linearized but the reads legal in the initial state.
    const init = this.states.intern(model.init());
    this.closeReads(init);
    this.store(0, init);
    this.current = this.next;
    this.currentHash = this.nextHash;
    this.next = new ConfigCache(maxBytes / 2, p.readMask);
    this.nextHash = new Int32Array(16);
    if (p.m === 0) this.result = { kind: 'linearizable' };
  }

  get stats(): { configs: number; steps: number; states: number; cacheBytes: number; levels: number } {
    return { configs: this.configs + this.current.size, steps: this.steps, states: this.states.size, cacheBytes: this.cacheBytes, levels: this.level };
  }

  get cacheBytes(): number {
    return this.current.bytes + this.next.bytes;
  }

  /** The interned state `id`. */
  state(id: number): S {
    return this.states.get(id);
  }

  /** When the search failed: a configuration of the last level, which nothing could extend. */
  stuckConfig(): StuckConfig | undefined {
    return this.stuck;
  }

  run(budget: number, limits: RunLimits = {}): SearchResult<S> | undefined {
    if (this.result) return this.result;
    const deadline = limits.deadline ?? Infinity;
    const outOfMemory = limits.outOfMemory ?? (() => false);
    const stopAt = this.steps + budget;
    let iterations = 0;
    while (this.steps < stopAt) {
      if ((++iterations & 255) === 0) {
        if (performance.now() > deadline) break;
        if ((iterations & 0xffff) === 0 && outOfMemory()) return (this.result = { kind: 'out-of-memory' });
      }
      if (this.cursor === this.current.size) {
        if (this.next.size === 0) return (this.result = this.failure());
        this.configs += this.current.size;
        this.current = this.next;
        this.currentHash = this.nextHash;
        this.next = new ConfigCache(this.maxBytes / 2, this.p.readMask);
        this.nextHash = new Int32Array(16);
        this.cursor = 0;
        this.level++;
        continue;
      }
      const e = this.cursor++;
      if (this.current.isDead(e)) continue;
      if (this.expand(e)) return (this.result = { kind: 'linearizable' });
      if (this.next.full) return (this.result = { kind: 'out-of-memory' });
    }
    return undefined;
  }

  /** Adds every successor of configuration `e` to the next level; true when `e` linearized every completed op. */
  private expand(e: number): boolean {
    const { p, model, states, candidates, inCrashed, touched } = this;
    const { m, n, callEntryOf, readOnly, modelOps, twinBefore, zobrist } = p;
    const state = this.load(e);
    const hash = this.currentHash[e]!;
    const low = this.low();
    if (low >= m) return true;
    const firstRet = this.findCandidates(low, candidates);
    // The op that must go first; as long as it stays pending, so do the candidates.
    const due = p.entryOp[firstRet]!;
    const pendingReads = this.pendingReads;
    pendingReads.length = 0;
    for (const id of candidates) if (readOnly[id] === 1) pendingReads.push(id);
    const current = states.get(state);
    for (const id of candidates) {
      if (readOnly[id] === 1 || this.twinFirst(id, firstRet)) continue;
      this.steps++;
      const after = model.step(current, modelOps[id]!);
      if (after === undefined) continue;
      const next = states.intern(after);
      touched.length = 0;
      this.set(id);
      this.closeReads(next, id === due ? undefined : due);
      this.store(hash ^ zobrist[id]!, next);
      for (const t of touched) this.bits[t >>> 5]! &= ~(1 << (t & 31));
    }
    // Crashed ops (ids m… in call order) invoked before that return and not yet linearized; of
    // twins, the earliest invoked goes first.
    crashed: for (let id = m; id < n && callEntryOf[id]! < firstRet; id++) {
      if (inCrashed[id] === 1) continue;
      for (let q = twinBefore[id]!; q >= 0; q = twinBefore[q]!) if (inCrashed[q] === 0) continue crashed;
      this.steps++;
      const after = model.step(current, modelOps[id]!);
      if (after === undefined) continue;
      const next = states.intern(after);
      // A crashed op that changes nothing is dominated by not taking it.
      if (next === state) continue;
      touched.length = 0;
      this.insertCrashed(id);
      this.closeReads(next, due);
      this.store(hash, next);
      for (const t of touched) this.bits[t >>> 5]! &= ~(1 << (t & 31));
      this.removeCrashed(id);
    }
    for (const c of this.crashed) inCrashed[c] = 0;
    return false;
  }

  /** Loads configuration `e` of the current level into the workspace; returns its state. */
  private load(e: number): number {
    const cur = this.current;
    const words = cur.words;
    const base = cur.offsetOf(e);
    const completedLen = cur.completedLenOf(e);
    this.wsLo = words[base]!;
    this.wsHi = this.wsLo + completedLen - 2;
    for (let j = 1; j < completedLen; j++) this.bits[this.wsLo + j - 1] = words[base + j]!;
    this.crashed.length = 0;
    for (let i = base + completedLen, end = base + cur.keyLenOf(e); i < end; i++) {
      this.crashed.push(words[i]!);
      this.inCrashed[words[i]!] = 1;
    }
    return cur.stateOf(e);
  }

  private linearized(id: number): boolean {
    const w = id >>> 5;
    if (w < this.wsLo) return true;
    if (w > this.wsHi) return false;
    return (this.bits[w]! & (1 << (id & 31))) !== 0;
  }

  private set(id: number): void {
    const w = id >>> 5;
    while (this.wsHi < w) this.bits[++this.wsHi] = 0;
    this.bits[w]! |= 1 << (id & 31);
    this.touched.push(id);
  }

  /** The first completed op not linearized. */
  private low(): number {
    for (let w = this.wsLo; w <= this.wsHi; w++) {
      const free = ~this.bits[w]!;
      if (free !== 0) return w * 32 + (31 - Math.clz32(free & -free));
    }
    return (this.wsHi + 1) * 32;
  }

  /**
   * Fills `candidates` with the completed ops not linearized that were invoked before the first
   * return of such an op, and returns that return entry.
   */
  private findCandidates(low: number, candidates: number[]): number {
    const { callEntryOf, retEntryOf, m } = this.p;
    candidates.length = 0;
    let firstRet = Infinity;
    for (let id = low; id < m && callEntryOf[id]! < firstRet; id++) {
      if (this.linearized(id)) continue;
      candidates.push(id);
      if (retEntryOf[id]! < firstRet) firstRet = retEntryOf[id]!;
    }
    // Ops invoked after the first return found are not candidates after all.
    let kept = 0;
    for (const id of candidates) if (callEntryOf[id]! < firstRet) candidates[kept++] = id;
    candidates.length = kept;
    return firstRet;
  }

  /** Of completed twins, the one that returns first goes first (twins.ts). */
  private twinFirst(id: number, firstRet: number): boolean {
    const { twinBefore, retEntryOf, callEntryOf } = this.p;
    for (let q = twinBefore[id]!; q >= 0 && retEntryOf[q]! >= firstRet; q = twinBefore[q]!) {
      if (!this.linearized(q) && callEntryOf[q]! < firstRet) return true;
    }
    return false;
  }

  /**
   * Linearizes every read that is legal in `stateId`, round after round as new ones become
   * candidates. With `due` (the op that must go first, still pending) the candidates are those of
   * the configuration being expanded, so only its pending reads need trying, unless one of them
   * is `due` itself.
   */
  private closeReads(stateId: number, due?: number): void {
    const { p, model } = this;
    const state = this.states.get(stateId);
    if (due !== undefined) {
      let moved = false;
      for (const id of this.pendingReads) {
        this.steps++;
        if (model.step(state, p.modelOps[id]!) === undefined) continue;
        this.set(id);
        if (id === due) moved = true;
      }
      if (!moved) return;
    }
    for (;;) {
      const low = this.low();
      if (low >= p.m) return;
      this.findCandidates(low, this.readCandidates);
      let added = 0;
      for (const id of this.readCandidates) {
        if (p.readOnly[id] === 0) continue;
        this.steps++;
        if (model.step(state, p.modelOps[id]!) === undefined) continue;
        this.set(id);
        added++;
      }
      if (added === 0) return;
    }
  }

  private insertCrashed(id: number): void {
    const list = this.crashed;
    let i = list.length;
    list.push(id);
    while (i > 0 && list[i - 1]! > id) {
      list[i] = list[i - 1]!;
      i--;
    }
    list[i] = id;
  }

  private removeCrashed(id: number): void {
    this.crashed.splice(this.crashed.indexOf(id), 1);
  }

  /** Adds the workspace configuration, in state `stateId`, to the next level. */
  private store(hash: number, stateId: number): void {
    const { key, bits } = this;
    const low = this.low();
    const lo = low >>> 5;
    let hi = this.wsHi;
    while (hi > lo && bits[hi] === 0) hi--;
    key[0] = lo;
    let len = 1;
    for (let w = lo; w <= hi; w++) key[len++] = w <= this.wsHi ? bits[w]! : 0;
    const completedLen = len;
    for (const c of this.crashed) key[len++] = c;
    const next = this.next;
    if (!next.add(key, completedLen, len, configHash(hash, stateId), stateId, true) || next.full) return;
    const e = next.size - 1;
    if (e >= this.nextHash.length) {
      const grown = new Int32Array(this.nextHash.length * 2);
      grown.set(this.nextHash);
      this.nextHash = grown;
    }
    this.nextHash[e] = hash;
  }

  private failure(): SearchResult<S> {
    const states = new Set<number>();
    for (let e = 0; e < this.current.size && states.size < MAX_STUCK_STATES; e++) {
      if (this.current.isDead(e)) continue;
      const state = this.load(e);
      const low = this.low();
      const failedOp = this.p.entryOp[this.findCandidates(low, this.candidates)]!;
      for (const c of this.crashed) this.inCrashed[c] = 0;
      this.stuck ??= { linearized: this.linearizedIds(low), state, failedOp };
      if (failedOp === this.stuck.failedOp) states.add(state);
    }
    const stuck = this.stuck!;
    return { kind: 'nonlinearizable', longestPrefix: [], failedOp: this.p.order[stuck.failedOp]!, states: [...states].map((s) => this.states.get(s)) };
  }

  private linearizedIds(low: number): number[] {
    const ids: number[] = [];
    for (let id = 0; id < low; id++) ids.push(id);
    for (let id = low; id < (this.wsHi + 1) * 32 && id < this.p.m; id++) if (this.linearized(id)) ids.push(id);
    return [...ids, ...this.crashed];
  }
}
