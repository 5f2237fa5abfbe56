import { FrontierSearch } from './frontier-search.ts';
import type { CompleteModel } from './model.ts';
import type { LinOp, Partition } from './partition.ts';
import { findTwins, prepareOps, type PreparedOps } from './prepared-ops.ts';
import { LinearizationSearch, type RunLimits, type SearchResult, type SearchStats } from './search.ts';

/**
 * Depth-first steps after which the level-by-level search joins in (about a quarter of a second
 * of work): keys decided sooner, nearly all of them, never pay for it.
 */
const FRONTIER_AFTER_STEPS = 1 << 21;
const FRONTIER_SHARE = 2;
/** Steps the search for a failure's prefix may take before the failure is reported without it. */
const PREFIX_STEPS = 4_000_000;

export type KeyVerdict = Exclude<SearchResult<unknown>, { kind: 'out-of-memory' }> & { prefixFound?: boolean };

/**
 * One key's search: depth first with Lowe's memo ({@link LinearizationSearch}), which decides
 * almost every key within a fraction of a second, joined after that by the level-by-level search
 * ({@link FrontierSearch}), which needs far less memory and decides dense histories the memo
 * cannot hold. Both then get the same step budget each round, so a key costs at most about
 * twice what the better of the two needs. The depth-first search is dropped for good when its
 * memo fills up; the key is out of memory only when the level-by-level search is too.
 *
 * Rounds are resumable: {@link beginRound} sets the budget, {@link advance} works until it is
 * spent, a deadline passes (the caller's time slice), or the key is decided.
 */
export class KeySearch {
  verdict: KeyVerdict | undefined;
  outOfMemory = false;
  private prepared: PreparedOps | undefined;
  private dfs: LinearizationSearch<unknown> | undefined;
  private dfsFull = false;
  private bfs: FrontierSearch<unknown> | undefined;
  private dfsUntil = 0;
  private bfsUntil = 0;
  private readonly retired: SearchStats = { configs: 0, steps: 0, states: 0, cacheBytes: 0 };

  constructor(
    readonly part: Partition,
    readonly model: CompleteModel<unknown>,
    private readonly maxBytes: number,
  ) {}

  get decided(): boolean {
    return this.verdict !== undefined || this.outOfMemory;
  }

  /** Memory the searches hold now (the depth-first memo, two levels of the other). */
  get bytes(): number {
    return (this.dfs?.cacheBytes ?? 0) + (this.bfs?.cacheBytes ?? 0);
  }

  get stats(): SearchStats {
    const live = [this.dfs?.stats, this.bfs?.stats].filter((s) => s !== undefined);
    return {
      configs: this.retired.configs + live.reduce((n, s) => n + s.configs, 0),
      steps: this.retired.steps + live.reduce((n, s) => n + s.steps, 0),
      states: Math.max(this.retired.states, ...live.map((s) => s.states)),
      cacheBytes: Math.max(this.retired.cacheBytes, this.bytes),
    };
  }

  beginRound(budget: number): void {
    this.prepared ??= prepareOps(this.part.ops, this.model);
    if (!this.dfsFull) {
      const fresh = this.dfs === undefined;
      this.dfs ??= new LinearizationSearch(this.prepared, this.model, this.maxBytes);
      // A fresh search gets twice the budget: it has the work of earlier rounds to redo.
      this.dfsUntil = this.dfs.stats.steps + (fresh ? budget * 2 : budget);
    }
    if (this.bfs !== undefined || this.dfsFull || this.stats.steps >= FRONTIER_AFTER_STEPS) {
      findTwins(this.prepared);
      this.bfs ??= new FrontierSearch(this.prepared, this.model, this.maxBytes / 2);
      this.bfsUntil = this.bfs.stats.steps + budget * FRONTIER_SHARE;
    }
  }

  get roundOver(): boolean {
    if (this.decided) return true;
    const dfsDone = this.dfs === undefined || this.dfs.stats.steps >= this.dfsUntil;
    const bfsDone = this.bfs === undefined || this.bfs.stats.steps >= this.bfsUntil;
    return dfsDone && bfsDone;
  }

  /** Works on the round until its budget is spent, `limits.deadline` passes, or the key is decided. */
  advance(limits: RunLimits): void {
    if (this.decided) return;
    if (this.dfs && this.dfs.stats.steps < this.dfsUntil) {
      const r = this.dfs.run(this.dfsUntil - this.dfs.stats.steps, limits);
      // Once the level-by-level search runs, a depth-first memo past a quarter of the memory
      // limit is most likely mapping out a failure exhaustively: the other does that in far
      // less memory (and, measured on dense histories, fewer configurations).
      const crowded = this.bfs !== undefined && this.dfs.cacheBytes > this.maxBytes / 4;
      if (r?.kind === 'out-of-memory' || (!r && crowded)) {
        // The memo is full: from here on the level-by-level search carries the key alone, with
        // the rest of this round's budget too.
        const unspent = Math.max(0, this.dfsUntil - this.dfs.stats.steps);
        this.dfsFull = true;
        this.drop();
        findTwins(this.prepared!);
        this.bfs ??= new FrontierSearch(this.prepared!, this.model, this.maxBytes / 2);
        this.bfsUntil = Math.max(this.bfsUntil, this.bfs.stats.steps) + unspent;
      } else if (r) {
        this.verdict = r;
        return;
      }
      if (performance.now() > (limits.deadline ?? Infinity)) return;
    }
    if (this.bfs && this.bfs.stats.steps < this.bfsUntil) {
      const r = this.bfs.run(this.bfsUntil - this.bfs.stats.steps, limits);
      if (r?.kind === 'out-of-memory') this.outOfMemory = true;
      else if (r?.kind === 'nonlinearizable') this.verdict = this.withPrefix(r, this.bfs);
      else if (r) this.verdict = r;
    }
  }

  /** Drops the depth-first memo to free memory; the search starts afresh next round. */
  drop(): void {
    if (this.dfs) this.retire(this.dfs.stats);
    this.dfs = undefined;
  }

  /** Frees both searches once the key is decided; the stats stay. */
  release(): void {
    this.drop();
    if (this.bfs) this.retire(this.bfs.stats);
    this.bfs = undefined;
    this.prepared = undefined;
  }

  private retire(st: SearchStats): void {
    this.retired.configs += st.configs;
    this.retired.steps += st.steps;
    this.retired.states = Math.max(this.retired.states, st.states);
    this.retired.cacheBytes = Math.max(this.retired.cacheBytes, st.cacheBytes);
  }

  /**
   * The level-by-level search knows where it got stuck (a linearized set and a state) but keeps
   * no path there. A depth-first search over just that set, which must end in that state, finds
   * one: the longest linearizable prefix of the explanation. Crashed ops in the set did take
   * effect on that path, so there they count as completed, returning after everything.
   */
  private withPrefix(r: Extract<SearchResult<unknown>, { kind: 'nonlinearizable' }>, bfs: FrontierSearch<unknown>): KeyVerdict {
    const stuck = bfs.stuckConfig();
    if (!stuck) return { ...r, prefixFound: false };
    const { order, m } = this.prepared!;
    const positions = stuck.linearized.map((id) => order[id]!);
    let late = Number.MAX_SAFE_INTEGER / 4;
    const ops: LinOp[] = stuck.linearized.map((id, i) => {
      const op = this.part.ops[positions[i]!]!;
      return id < m ? op : { ...op, complete: late++ };
    });
    const search = new LinearizationSearch(ops, this.model, this.maxBytes / 4, bfs.state(stuck.state));
    const found = search.run(PREFIX_STEPS);
    if (found?.kind !== 'linearizable') return { ...r, prefixFound: false };
    return { ...r, longestPrefix: search.linearization().map((i) => positions[i]!), prefixFound: true };
  }
}
