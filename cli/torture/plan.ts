import { InputError } from '../../harness/errors.ts';
import { parseNemesisArg } from '../../harness/nemesis-arg.ts';
import { Random } from '../../harness/random.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { clientFactory, defaultNodes, nodeCountProblem, type Workload } from '../../workloads/workload.ts';
import { getWorkload, workloads } from '../../workloads/registry.ts';
import { getNemesis } from '../../nemesis/registry.ts';
import type { RunEnvironment } from '../run/environment.ts';
import { faultLabel, MAX_SEEDS, type Matrix, type RunSettings, type Variant } from './matrix.ts';

/**
 * Runs one session may plan: every run is planned and its spec checked before the first starts
 * (so every shard fails alike on bad input), so this bounds that memory; 100,000 runs of even
 * 10 s are twelve days on one machine.
 */
export const MAX_RUNS = 100_000;

/** One run of a torture session, fixed before anything starts. */
export interface PlannedRun {
  /** Position in the whole matrix (0-based); shards partition these. */
  readonly index: number;
  /** `<name>#<replicate>`: unique in the session, shown in tables and JUnit. */
  readonly id: string;
  /** The test name (store folder): `<db>-<workload>-<faults>`. */
  readonly name: string;
  /** 1…seeds. */
  readonly replicate: number;
  readonly db: Variant;
  readonly workload: Variant;
  readonly nemesis: readonly string[];
  /** Derived from the session seed and `id` alone. */
  readonly seed: number;
}

/** One combination the matrix asked for that cannot run (a workload without a client for a database…). */
export interface ExcludedRun {
  readonly name: string;
  readonly reason: string;
}

export interface Plan {
  readonly runs: readonly PlannedRun[];
  readonly excluded: readonly ExcludedRun[];
}

/** Seeds stay below 2^48, like fresh ones: short enough to read aloud and paste. */
const SEED_RANGE = 2 ** 48 - 1;

/**
 * A run's seed from the session's seed and the run's id. It depends on nothing else — not the
 * run's position, the shard, or which other runs the matrix has — so a run keeps its seed when
 * the matrix grows, and every shard derives the same seeds.
 */
export function deriveSeed(sessionSeed: number, runId: string): number {
  return Random.fromSeed(sessionSeed).fork(`torture-run:${runId}`).draw((d) => d.int(0, SEED_RANGE))[0];
}

/**
 * Every run of the matrix, in a fixed order: replicate (seed) outermost, then databases,
 * workloads and fault combinations as listed, so the first runs already cover every
 * combination once. `why` names combinations that cannot run; they are left out and listed.
 */
export function planMatrix(matrix: Matrix, sessionSeed: number, why: (db: Variant, workload: Variant, nemesis: readonly string[]) => string | undefined = () => undefined): Plan {
  const combinations = matrix.databases.length * matrix.workloads.length * matrix.nemesis.length;
  if (!Number.isSafeInteger(matrix.seeds) || matrix.seeds < 1) throw new InputError(`seeds must be an integer >= 1 (got ${matrix.seeds})`);
  if (matrix.seeds > MAX_SEEDS || matrix.seeds * combinations > MAX_RUNS) {
    throw new InputError(`the matrix asks for ${matrix.seeds} seeds × ${combinations} combination${combinations === 1 ? '' : 's'} = ${matrix.seeds * combinations} runs; a session plans at most ${MAX_RUNS} runs and ${MAX_SEEDS} seeds (each run lasts at least its time limit)`);
  }
  const runs: PlannedRun[] = [];
  const excluded: ExcludedRun[] = [];
  const names = new Set<string>();
  for (let replicate = 1; replicate <= matrix.seeds; replicate++) {
    for (const db of matrix.databases) {
      for (const workload of matrix.workloads) {
        for (const nemesis of matrix.nemesis) {
          const name = `${db.label}-${workload.label}-${faultLabel(nemesis)}`;
          if (replicate === 1 && names.has(name)) throw new InputError(`two combinations of the matrix are both named ${name}; give a database or workload a different label`);
          names.add(name);
          const reason = why(db, workload, nemesis);
          if (reason !== undefined) {
            if (replicate === 1) excluded.push({ name, reason });
            continue;
          }
          const id = `${name}#${replicate}`;
          runs.push({ index: runs.length, id, name, replicate, db, workload, nemesis, seed: deriveSeed(sessionSeed, id) });
        }
      }
    }
  }
  return { runs, excluded };
}

/** The K-th of N slices (1-based K). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InputError(`--shard must be K/N with 1 <= K <= N, e.g. 2/4 (got ${JSON.stringify(text)})`);
  return { index, count };
}

/**
 * Run `index` belongs to shard `(index mod N) + 1`: round-robin, so every shard gets a share of
 * each database and fault mix and the slices take about as long. Shards 1…N partition the runs.
 */
export function inShard(index: number, shard: Shard | undefined): boolean {
  return shard === undefined || index % shard.count === shard.index - 1;
}

export function shardRuns<T extends { readonly index: number }>(runs: readonly T[], shard: Shard | undefined): T[] {
  return runs.filter((r) => inShard(r.index, shard));
}

/**
 * The test a planned run is: the matrix's settings, then the database's and workload's own
 * (nodes: else the workload's default). A fault given as `partition:one+bridge` becomes the class
 * in `nemesis` and its variants in `nemesisVariants`, as `faultline run` makes them.
 */
export function plannedSpec(p: PlannedRun, run: RunSettings, workload: (name: string) => Workload | undefined = getWorkload): TestSpec {
  const isolation = p.db.isolation ?? run.isolation;
  const { names, variants } = parseNemesisArg(p.nemesis.join(','));
  return {
    name: p.name,
    db: p.db.name,
    workload: p.workload.name,
    nodes: p.workload.nodes ?? p.db.nodes ?? run.nodes ?? defaultNodes(workload(p.workload.name) ?? {}),
    concurrency: run.concurrency,
    rate: run.rate,
    timeLimit: run.timeLimit,
    nemesis: names,
    ...(Object.keys(variants).length === 0 ? {} : { nemesisVariants: variants }),
    nemesisInterval: run.nemesisInterval,
    recovery: run.recovery,
    seed: p.seed,
    ...(isolation === undefined ? {} : { isolation: isolation as TestSpec['isolation'] }),
    options: { ...run.options, ...p.db.options, ...p.workload.options },
  };
}

/**
 * Why a combination cannot run in `env` (a workload without a client for the database, a node
 * count it cannot use, a fault the database does not support), or undefined: what planMatrix
 * leaves out and lists.
 */
export function unrunnable(env: RunEnvironment, run: RunSettings): (db: Variant, workload: Variant, nemesis: readonly string[]) => string | undefined {
  const registry = env.workloads ?? workloads;
  return (db, w, nemesis) => {
    const database = env.databases.require(db.name).create();
    const workload = registry.require(w.name);
    if (!clientFactory(workload, database)) return `the ${w.name} workload has no client for ${db.name}`;
    const spec = plannedSpec({ index: 0, id: '', name: 'x', replicate: 1, db, workload: w, nemesis, seed: 0 }, run, (n) => registry.get(n));
    const nodes = nodeCountProblem(workload, spec.nodes);
    if (nodes) return nodes;
    for (const [i, name] of spec.nemesis.entries()) {
      const why = getNemesis(name)!.unsupported?.(database, spec, spec.nemesisVariants?.[name] ?? []);
      if (why) return `${nemesis[i]}: ${why}`;
    }
    return undefined;
  };
}
