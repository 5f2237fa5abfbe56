import type { Cluster } from './cluster.ts';
import type { FullDatabase } from './database.ts';
import type { Generator } from './generator/generator.ts';
import type { Random, RandomStream } from './random.ts';
import type { Logger } from './logger.ts';
import type { TestSpec } from './test-spec.ts';

/** What a nemesis works with during a run. */
export interface NemesisContext {
  readonly cluster: Cluster;
  readonly db: FullDatabase;
  readonly test: TestSpec;
  /**
   * The nemesis's own stream, forked from the run's seed as `nemesis`. Faults run one at a time
   * on one thread, so the nodes a fault picks replay with the seed.
   */
  readonly random: RandomStream;
  readonly log: Logger;
}

/** A fault operation as the scheduler hands it over: `{ f: 'start-partition', value: 'majority' }`. */
export interface NemesisOp {
  readonly f: string;
  readonly value: unknown;
}

/**
 * What the nemesis reports: what was actually done (which nodes, which grudge, which offsets),
 * as JSON. It becomes the `value` of the op's `info` completion in the history.
 */
export interface NemesisResult {
  value: unknown;
  /** The fault could not be (fully) applied; say what state it left. */
  error?: string;
}

/**
 * A nemesis (Jepsen's Nemesis protocol). Its ops run on a single nemesis thread and are recorded
 * with `process: 'nemesis'` as an `info` invoke and an `info` completion whose value says what was
 * done.
 *
 * - `setup` runs once before the workload (check that tools exist, record clocks); it may throw,
 *   and the run stops with that error before any op.
 * - `invoke` performs one op. It is never called concurrently. A thrown error is recorded as the
 *   completion's `error` and the schedule continues.
 * - `teardown` heals everything this nemesis may have done. It runs in `finally`, on SIGINT and
 *   SIGTERM, and after a failed `setup`; it must be idempotent, must not throw when there is
 *   nothing to heal, and must touch only the run's containers (never the host's rules or clock).
 */
export interface Nemesis {
  /** The fs this nemesis handles, e.g. `['start-partition', 'stop-partition']`. */
  readonly fs: readonly string[];
  setup?(ctx: NemesisContext): Promise<void>;
  invoke(op: NemesisOp, ctx: NemesisContext): Promise<NemesisResult>;
  teardown(ctx: NemesisContext): Promise<void>;
}

/** A fault class ready to run: the nemesis and its schedule. */
export interface NemesisPackage {
  readonly nemesis: Nemesis;
  /** Nemesis ops during the fault phase (it runs on the nemesis thread; use `sleep` to space them). */
  readonly generator: Generator;
  /** Ops that undo every fault at the end of the fault phase, before recovery and final reads. */
  readonly final?: Generator;
  /**
   * Where this class heals among several (lower first; default 0). Pauses heal first: a frozen
   * node cannot be restarted, have its clock reset or answer anything until it is resumed.
   */
  readonly healOrder?: number;
}

export interface NemesisOptions {
  readonly test: TestSpec;
  readonly db: FullDatabase;
  /** Seconds between fault transitions, in ns. */
  readonly intervalNs: number;
  /** The schedule's own stream (timing jitter, which op next). */
  readonly random: Random;
  /**
   * The variants the user chose (`--nemesis partition:one+primaries` → `['one', 'primaries']`),
   * already checked against the factory's `variants`; empty for the factory's defaults.
   */
  readonly variants: readonly string[];
}

/** A fault class as registered by name (`--nemesis partition,kill`). */
export interface NemesisFactory {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The variants `--nemesis NAME:a+b` may choose (topologies, node selectors, behaviours), each with one line of help. */
  readonly variants?: Readonly<Record<string, string>>;
  /**
   * Why this fault (with these variants; empty = the defaults) cannot run against this database
   * or machine (clock skew on etcd, latency without netem), or undefined.
   */
  unsupported?(db: FullDatabase, test: TestSpec, variants: readonly string[]): string | undefined;
  create(options: NemesisOptions): NemesisPackage;
}
