import { ConfigCache, configHash } from './config-cache.ts';
import type { CompleteModel } from './model.ts';
import type { LinOp } from './partition.ts';
import { prepareOps, RETURN, type PreparedOps } from './prepared-ops.ts';
import { StateTable } from './state-table.ts';

export interface SearchStats {
  /** Configurations memoized. */
  configs: number;
  /** Model steps taken. */
  steps: number;
  /** Distinct model states met. */
  states: number;
  cacheBytes: number;
}

export type SearchResult<S> =
  | { kind: 'linearizable' }
  | {
      kind: 'nonlinearizable';
      /** Positions in the input ops of the longest linearizable prefix, in linearization order. */
      longestPrefix: number[];
      /** Position in the input ops of the op that cannot be linearized after it. */
      failedOp: number;
      /** Model states in which the search was stuck at that op, distinct. */
      states: S[];
    }
  | { kind: 'out-of-memory' };

export interface RunLimits {
  /** `performance.now()` past which {@link LinearizationSearch.run} pauses. */
  deadline?: number;
  /** Polled now and then; true ends the search as out of memory. */
  outOfMemory?: () => boolean;
}

const MAX_STUCK_STATES = 8;

/**
 * Wing & Gong's search with Lowe's memo, on Porcupine's doubly linked list of call and return
 * entries: linearizing an op lifts its two entries out of the list, backtracking puts them back
 * (dancing links), so trying the next candidate is O(1) and copies nothing. The list, the
 * stack, the bitset and the memo are typed arrays; model states are interned as ints.
 *
 * Crashed ops have a call entry and no return entry: they may be linearized anywhere after
 * their call, or never — the search succeeds once every completed op is linearized. They sit in
 * a list of their own and are tried only after every completed candidate, so configurations
 * with fewer of them come first and dominate the rest in the memo (on etcd_002 that took the
 * search from 25,480 configurations to 652). A read that is legal is taken at once and not
 * backtracked over (see `forced`).
 *
 * The search is resumable: {@link run} takes a step budget and returns `undefined` when it runs
 * out, so the checker can interleave keys and stop at the first one that fails.
 */
export class LinearizationSearch<S> {
  private readonly p: PreparedOps;
  private readonly m: number;
  /** Linearized completed ops, one bit each. */
  private readonly set: Uint32Array;
  /** Every completed op below `low` is linearized; `high` is the highest linearized one (or -1). */
  private low = 0;
  private high = -1;
  /** Ids of the crashed ops linearized, sorted; `crashedCount` of them. */
  private readonly crashedOn: Int32Array;
  private crashedCount = 0;
  /** Scratch space for a cache key. */
  private readonly key: Uint32Array;
  private keyCompletedLen = 0;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly head: number;
  private readonly crashedHead: number;
  private readonly states: StateTable<S>;
  private readonly cache: ConfigCache;
  private readonly stackEntry: Int32Array;
  private readonly stackState: Int32Array;
  /** For a crashed op on the stack: the return entry that bounded its candidates. */
  private readonly stackBound: Int32Array;
  private readonly stackLow: Int32Array;
  private readonly stackHigh: Int32Array;
  /** 1 where the op on the stack was a read taken greedily: failing after it fails its config. */
  private readonly stackForced: Uint8Array;
  /** 1 for each crashed op linearized (the sorted list is for the cache key). */
  private readonly crashedIn: Uint8Array;
  /** The first return entry still in the list: ops invoked before it are the candidates. */
  private firstRet: number;
  private readonly stackFirstRet: Int32Array;
  private failing = false;
  /** Trying crashed candidates (below `bound`) rather than completed ones. */
  private crashedPhase = false;
  private bound = -1;
  private sp = 0;
  private state: number;
  private hash = 0;
  private remaining: number;
  private entry: number;
  private steps = 0;
  private result: SearchResult<S> | undefined;
  // For the explanation: the deepest prefix (by completed ops) and where it got stuck.
  private bestDepth = -1;
  private bestFailed = -1;
  private readonly bestPrefix: number[] = [];
  private lowWater = 0;
  private readonly stuck = new Map<number, number[]>();

  /** Interned goal state, or -1: a linearization must end in it (see {@link LinearizationSearch.constructor}). */
  private readonly goal: number;

  /**
   * @param goal a state every linearization must end in: for finding an order of ops known to
   * reach it (the prefix of a failure the level-by-level search found). Only for ops that all
   * completed: with crashed ops left over, a wrong final state would not be backtracked far enough.
   */
  constructor(
    ops: readonly LinOp[] | PreparedOps,
    private readonly model: CompleteModel<S>,
    maxCacheBytes: number,
    goal?: S,
  ) {
    const prepared = (this.p = 'entryOp' in ops ? ops : prepareOps(ops, model));
    const { m, n, entryOp, entryRet } = prepared;
    this.m = m;
    const completedWords = (m + 31) >>> 5;
    this.set = new Uint32Array(completedWords + 1);
    this.crashedOn = new Int32Array(n - m);
    this.crashedIn = new Uint8Array(n);
    this.key = new Uint32Array(completedWords + 2 + (n - m));

    // Two lists over the entries: completed ops' calls and returns from `head`, crashed ops'
    // calls from `crashedHead`. Crashed ops are optional, so they are tried only after every
    // completed candidate: configurations with fewer of them come first and dominate.
    const E = entryOp.length;
    const head = (this.head = E);
    const crashedHead = (this.crashedHead = E + 1);
    this.next = new Int32Array(E + 2);
    this.prev = new Int32Array(E + 2);
    let last = head;
    let lastCrashed = crashedHead;
    for (let e = 0; e < E; e++) {
      if (entryRet[e] === -1 && entryOp[e]! >= m) {
        this.next[lastCrashed] = e;
        this.prev[e] = lastCrashed;
        lastCrashed = e;
      } else {
        this.next[last] = e;
        this.prev[e] = last;
        last = e;
      }
    }
    this.next[last] = -1;
    this.next[lastCrashed] = -1;
    this.prev[head] = -1;
    this.prev[crashedHead] = -1;

    this.states = new StateTable(model);
    this.cache = new ConfigCache(maxCacheBytes, prepared.readMask);
    this.stackEntry = new Int32Array(n);
    this.stackLow = new Int32Array(n);
    this.stackHigh = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.stackBound = new Int32Array(n);
    this.stackForced = new Uint8Array(n);
    this.stackFirstRet = new Int32Array(n);
    this.firstRet = this.firstReturn();
    this.state = this.states.intern(model.init());
    this.goal = goal === undefined ? -1 : this.states.intern(goal);
    this.remaining = m;
    this.entry = this.next[head]!;
    if (m === 0 && (this.goal < 0 || this.goal === this.state)) this.result = { kind: 'linearizable' };
  }

  /** Once linearizable: the linearization found, as positions in the input ops. */
  linearization(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.sp; i++) out.push(this.p.order[this.p.entryOp[this.stackEntry[i]!]!]!);
    return out;
  }

  get stats(): SearchStats {
    return { configs: this.cache.size, steps: this.steps, states: this.states.size, cacheBytes: this.cache.bytes };
  }

  get cacheBytes(): number {
    return this.cache.bytes;
  }

  /**
   * Searches for up to `budget` more steps, or until the deadline; the verdict, or `undefined`
   * if not yet decided.
   */
  run(budget: number, limits: RunLimits = {}): SearchResult<S> | undefined {
    const deadline = limits.deadline ?? Infinity;
    const outOfMemory = limits.outOfMemory ?? (() => false);
    if (this.result) return this.result;
    const { model, states, cache, set, key, next, prev, stackEntry, stackState, stackBound, stackForced, stackLow, stackHigh, stackFirstRet, head, crashedHead, m } = this;
    const { entryOp, entryRet, readOnly, modelOps, zobrist } = this.p;
    let { sp, state, hash, remaining, entry, crashedPhase, bound, failing, low, high, firstRet } = this;
    const stopAt = this.steps + budget;
    let steps = this.steps;
    let iterations = 0;
    const goal = this.goal;
    while (steps < stopAt) {
      if (remaining === 0) {
        if (goal < 0 || state === goal) break;
        failing = true;
      }
      if ((++iterations & 4095) === 0) {
        if (performance.now() > deadline) break;
        if ((iterations & 0x3ffff) === 0 && outOfMemory()) {
          this.result = { kind: 'out-of-memory' };
          break;
        }
      }
      let candidate: boolean;
      if (failing) {
        candidate = false;
      } else if (crashedPhase) {
        candidate = entry >= 0 && entry < bound;
      } else if (entryRet[entry] === RETURN) {
        // Every completed candidate was tried: now the crashed ones invoked before this return.
        crashedPhase = true;
        bound = entry;
        entry = next[crashedHead]!;
        continue;
      } else {
        candidate = true;
      }
      if (candidate) {
        const id = entryOp[entry]!;
        if (this.twinGoesFirst(id, firstRet)) {
          entry = next[entry]!;
          continue;
        }
        steps++;
        const after = model.step(states.get(state), modelOps[id]!);
        if (after !== undefined) {
          const nextState = states.intern(after);
          // A crashed op that changes nothing is dominated by not taking it.
          if (nextState !== state || id < m) {
            let newLow = low;
            let newHigh = high;
            let h = hash;
            if (id < m) {
              set[id >>> 5]! |= 1 << (id & 31);
              h ^= zobrist[id]!;
              if (id > newHigh) newHigh = id;
              if (id === newLow) while (newLow < m && (set[newLow >>> 5]! & (1 << (newLow & 31))) !== 0) newLow++;
            } else {
              this.addCrashed(id);
            }
            const keyLen = this.buildKey(newLow, newHigh);
            // A read that can go now may as well (partial-order reduction): it changes no
            // state, and every candidate was invoked before any pending op returned, so a
            // linearization that places it later can place it here instead. So the config
            // fails if the one after the read does, and no other candidate needs trying.
            const forced = readOnly[id]!;
            if (cache.add(key, this.keyCompletedLen, keyLen, configHash(h, nextState), nextState)) {
              stackEntry[sp] = entry;
              stackState[sp] = state;
              stackLow[sp] = low;
              stackHigh[sp] = high;
              low = newLow;
              high = newHigh;
              stackBound[sp] = bound;
              stackForced[sp] = forced;
              stackFirstRet[sp] = firstRet;
              sp++;
              state = nextState;
              hash = h;
              if (id < m) remaining--;
              // Lift the call and its return out of their lists.
              let p = prev[entry]!;
              let nx = next[entry]!;
              next[p] = nx;
              if (nx >= 0) prev[nx] = p;
              const r = entryRet[entry]!;
              if (r >= 0) {
                p = prev[r]!;
                nx = next[r]!;
                next[p] = nx;
                if (nx >= 0) prev[nx] = p;
                if (r === firstRet) firstRet = this.firstReturn();
              }
              entry = next[head]!;
              crashedPhase = false;
              if (cache.full) {
                this.result = { kind: 'out-of-memory' };
                break;
              }
              continue;
            }
            if (id < m) set[id >>> 5]! &= ~(1 << (id & 31));
            else this.removeCrashed(id);
            if (forced === 1) {
              failing = true;
              continue;
            }
          }
        }
        entry = next[entry]!;
        continue;
      }
      // No candidate left before the return at `bound` (or the greedy read failed): backtrack.
      if (!failing) this.noteStuck(entryOp[bound]!, m - remaining, sp, state);
      failing = false;
      if (sp === 0) {
        this.result = this.failure();
        break;
      }
      sp--;
      if (sp < this.lowWater) this.lowWater = sp;
      const call = stackEntry[sp]!;
      const id = entryOp[call]!;
      state = stackState[sp]!;
      low = stackLow[sp]!;
      high = stackHigh[sp]!;
      if (id < m) {
        set[id >>> 5]! &= ~(1 << (id & 31));
        hash ^= zobrist[id]!;
        remaining++;
      } else {
        this.removeCrashed(id);
      }
      // Put the return back, then the call (reverse order of lifting).
      const r = entryRet[call]!;
      if (r >= 0) {
        next[prev[r]!] = r;
        const nx = next[r]!;
        if (nx >= 0) prev[nx] = r;
      }
      next[prev[call]!] = call;
      const nx = next[call]!;
      if (nx >= 0) prev[nx] = call;
      entry = next[call]!;
      crashedPhase = id >= m;
      bound = stackBound[sp]!;
      failing = stackForced[sp] === 1;
      firstRet = stackFirstRet[sp]!;
    }
    Object.assign(this, { sp, state, hash, remaining, entry, steps, crashedPhase, bound, failing, low, high, firstRet });
    if (remaining === 0 && (goal < 0 || state === goal) && !this.result) this.result = { kind: 'linearizable' };
    return this.result;
  }

  /**
   * Writes the cache key of the current set into `key`: `low >>> 5`, the completed-op words
   * from there to `high`'s, then the crashed ids. Returns its length.
   */
  private buildKey(low: number, high: number): number {
    const { key, set } = this;
    const lo = low >>> 5;
    const hi = high < 0 ? lo : Math.max(lo, high >>> 5);
    key[0] = lo;
    let len = 1;
    for (let w = lo; w <= hi; w++) key[len++] = set[w]!;
    this.keyCompletedLen = len;
    for (let i = 0; i < this.crashedCount; i++) key[len++] = this.crashedOn[i]!;
    return len;
  }

  /** The first return entry left in the list, or past the end when none is. */
  private firstReturn(): number {
    let e = this.next[this.head]!;
    while (e >= 0 && this.p.entryRet[e] !== RETURN) e = this.next[e]!;
    return e < 0 ? this.p.entryOp.length : e;
  }

  /**
   * A twin of `id` (see twins.ts) that is also a candidate and comes first in the twins' order
   * is still to be linearized, so trying `id` now is redundant. Completed twins are ordered by
   * return: every op returning before `firstRet` is linearized already, so the walk stops there.
   */
  private twinGoesFirst(id: number, firstRet: number): boolean {
    const { twinBefore, retEntryOf, callEntryOf } = this.p;
    if (id < this.m) {
      const { set } = this;
      for (let q = twinBefore[id]!; q >= 0 && retEntryOf[q]! >= firstRet; q = twinBefore[q]!) {
        if ((set[q >>> 5]! & (1 << (q & 31))) === 0 && callEntryOf[q]! < firstRet) return true;
      }
      return false;
    }
    for (let q = twinBefore[id]!; q >= 0; q = twinBefore[q]!) if (this.crashedIn[q] === 0) return true;
    return false;
  }

  private addCrashed(id: number): void {
    this.crashedIn[id] = 1;
    const list = this.crashedOn;
    let i = this.crashedCount++;
    while (i > 0 && list[i - 1]! > id) {
      list[i] = list[i - 1]!;
      i--;
    }
    list[i] = id;
  }

  private removeCrashed(id: number): void {
    this.crashedIn[id] = 0;
    const list = this.crashedOn;
    let i = list.indexOf(id);
    for (this.crashedCount--; i < this.crashedCount; i++) list[i] = list[i + 1]!;
  }

  private noteStuck(failing: number, depth: number, sp: number, state: number): void {
    if (depth > this.bestDepth) {
      this.bestDepth = depth;
      this.bestFailed = failing;
      this.bestPrefix.length = this.lowWater;
      for (let i = this.lowWater; i < sp; i++) this.bestPrefix.push(this.p.entryOp[this.stackEntry[i]!]!);
      this.lowWater = sp;
    }
    let seen = this.stuck.get(failing);
    if (!seen) this.stuck.set(failing, (seen = []));
    if (seen.length < MAX_STUCK_STATES && !seen.includes(state)) seen.push(state);
  }

  private failure(): SearchResult<S> {
    return {
      kind: 'nonlinearizable',
      longestPrefix: this.bestPrefix.map((id) => this.p.order[id]!),
      failedOp: this.p.order[this.bestFailed]!,
      states: (this.stuck.get(this.bestFailed) ?? []).map((s) => this.states.get(s)),
    };
  }
}
