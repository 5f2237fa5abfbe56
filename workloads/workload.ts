import type { Checker, CheckOptions } from '../checkers/checker.ts';
import { refuseProblems } from '../harness/errors.ts';
import type { Client } from '../harness/client.ts';
import type { FullDatabase } from '../harness/database.ts';
import type { Generator } from '../harness/generator/generator.ts';
import type { Random } from '../harness/random.ts';
import { TEST_DEFAULTS, type TestSpec } from '../harness/test-spec.ts';

/** A checker a workload wants run on its history, by registered name. */
export interface CheckerUse {
  readonly name: string;
  readonly options?: CheckOptions;
  /**
   * When no checker of this name is registered in this build, the run goes on without it and
   * `results.json` says so under `skipped` (instead of failing the run).
   */
  readonly optional?: boolean;
  /**
   * The checker itself, for one that is not registered under `name` (a test file's own): the
   * run registers it under its name for the run.
   */
  readonly checker?: Checker;
}

/**
 * What clients do (STYLE.md #1, #12): a generator of client ops, the checkers that judge the
 * history, and one client per database that supports the workload. The scheduler adds the rate,
 * the time limit and the nemesis; a workload's generator only says which ops, in which order.
 */
export interface Workload {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /**
   * The workload's own client for a database that offers a capability it knows (the SQL
   * workloads: any database with `sql`), or undefined. A database's own client for this workload
   * (its `clients[name]`) comes first: see `clientFactory` (workloads/workload.ts).
   */
  clientFor?(db: FullDatabase): (() => Client) | undefined;
  /** What a database must offer for `clientFor`, in words for an error message ("the SQL capability (`sql`)"). */
  readonly needs?: string;
  /**
   * Checks `test.options` for this workload; returns one message per problem (empty when fine).
   * Unknown options are problems too, so a typo does not silently do nothing.
   */
  checkOptions?(options: Record<string, unknown>): string[];
  /** Client ops for the main phase; all randomness from `random`. */
  generator(test: TestSpec, random: Random): Generator;
  /**
   * Client ops after faults are healed and the recovery window passed (final reads). `keys` are
   * the keys the run's client ops touched, in the order first seen. Client thread t talks to node
   * `clientNodeIndex(t, nodes)` (harness/client.ts), so threads 0…nodes-1 reach every node.
   */
  finalGenerator?(test: TestSpec, random: Random, keys: readonly (string | number)[]): Generator;
  checkers(test: TestSpec): CheckerUse[];
  /**
   * How many nodes the workload's clients can use, when it is not any number: the default for
   * `--nodes` and the range `run` accepts (checked before any container starts).
   */
  readonly nodes?: NodeCount;
}

export interface NodeCount {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Why, for the error message: "each node is an independent server". */
  readonly why: string;
}

/** The node count a test of `workload` gets when nobody asked for one. */
export function defaultNodes(workload: Pick<Workload, 'nodes'>): number {
  return workload.nodes?.default ?? TEST_DEFAULTS.nodes;
}

/** Why `nodes` cannot run `workload`, or undefined. */
export function nodeCountProblem(workload: Pick<Workload, 'name' | 'nodes'>, nodes: number): string | undefined {
  const n = workload.nodes;
  if (!n || (nodes >= n.min && nodes <= n.max)) return undefined;
  const range = n.min === n.max ? `exactly ${n.min}` : `${n.min}–${n.max}`;
  return `the ${workload.name} workload runs on ${range} node${n.max === 1 ? '' : 's'} (${n.why}); got ${nodes}`;
}

/** How clients of `workload` are made on `db`: the database's own client for it, else the workload's for a capability the database offers; undefined when there is none. */
export function clientFactory(workload: Pick<Workload, 'name' | 'clientFor'>, db: FullDatabase): (() => Client) | undefined {
  return (Object.hasOwn(db.clients ?? {}, workload.name) ? db.clients![workload.name] : undefined) ?? workload.clientFor?.(db);
}

/**
 * A workload for a test file or the built-in registry, checked at the boundary (STYLE.md #3):
 * one error naming every problem. Typed identity otherwise: the built-in workloads use it too.
 */
export function defineWorkload(workload: Workload): Workload {
  refuseProblems(`workload ${JSON.stringify(workload?.name ?? '?')}`, workloadProblems(workload));
  return workload;
}

/** Every problem of a workload, one line each naming the field (empty when it is fine). */
export function workloadProblems(workload: Partial<Workload>): string[] {
  const problems: string[] = [];
  if (typeof workload?.name !== 'string' || workload.name === '') problems.push('name must be a non-empty string');
  if (typeof workload?.description !== 'string') problems.push('description must be a string (one line for --help)');
  for (const f of ['generator', 'checkers'] as const) if (typeof workload?.[f] !== 'function') problems.push(`${f} must be a function`);
  for (const f of ['finalGenerator', 'clientFor', 'checkOptions'] as const) {
    if (workload?.[f] !== undefined && typeof workload[f] !== 'function') problems.push(`${f} must be a function when given`);
  }
  const n = workload?.nodes;
  if (n !== undefined && !(Number.isInteger(n.min) && Number.isInteger(n.max) && n.min >= 1 && n.min <= n.default && n.default <= n.max)) {
    problems.push('nodes must be { min, default, max } integers with 1 <= min <= default <= max');
  }
  return problems;
}

/** The problems of the checkers a workload asks for (`checkers(test)`), one line each. */
export function checkerUseProblems(uses: unknown): string[] {
  if (!Array.isArray(uses)) return ['checkers(test) must return an array of { name, options?, checker? }'];
  return uses.flatMap((u: Partial<CheckerUse> | null, i) => {
    if (typeof u?.name !== 'string' || u.name === '') return [`checkers(test)[${i}].name must be a non-empty string`];
    const c = u.checker;
    if (c === undefined) return [];
    if (typeof c.check !== 'function') return [`checkers(test)[${i}].checker must have a check(history, options) function`];
    if (c.name !== u.name) return [`checkers(test)[${i}]: the checker is named ${JSON.stringify(c.name)}, not ${JSON.stringify(u.name)}`];
    return [];
  });
}
