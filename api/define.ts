/**
 * The typed helpers a team writes its own test with (`faultline run --test ./my-test.ts`): the
 * same contracts the built-in databases and workloads are made of, so a test file can do
 * whatever a built-in can. Each helper checks its argument and throws one error naming every
 * problem; otherwise it returns what it was given.
 */
import type { DatabaseDefinition } from '../harness/database.ts';
import type { Workload } from '../workloads/workload.ts';

export { buildContext, defineDatabase } from '../harness/database.ts';
export type { ClockAware, Database, DatabaseDefinition, FullDatabase, HasPrimary, Killable, LogFiles, NodeImage, Pausable } from '../harness/database.ts';
export { clientNodeIndex, defineClient } from '../harness/client.ts';
export type { Client, ClientFunctions, ClientRun, ClientTarget, Completion, Invocation } from '../harness/client.ts';
export { findNode } from '../harness/cluster.ts';
export type { Cluster, ExecOptions, ExecResult, NodeInfo, Signal } from '../harness/cluster.ts';
export { defineWorkload } from '../workloads/workload.ts';
export type { CheckerUse, NodeCount, Workload } from '../workloads/workload.ts';
export type { TestSpec } from '../harness/test-spec.ts';
export type { Checker, CheckOptions as CheckerOptions } from '../checkers/checker.ts';
// The SQL capability: a database with `sql` (a dialect) gets every SQL workload's client.
export type { Isolation, PreparedTransactions, Row, SessionOptions, SqlCapable, SqlDialect, SqlErrorInfo, SqlErrorKind, SqlSession } from '../workloads/sql/sql-dialect.ts';

/**
 * A test file's default export: the database under test, what the clients do, and the settings
 * `faultline run` would otherwise take from flags. Flags given on the command line win over the
 * file (`--time-limit 20` for a quick try); what neither says gets `run`'s defaults.
 */
export interface TestDefinition {
  /** Store folder name (`store/<name>/<time>/`); default `<database>-<workload>`. */
  readonly name?: string;
  /** The database under test: your own (`containerDatabase` from `faultline/docker`, `defineDatabase`), or a built-in by name (`'etcd'`). */
  readonly database: DatabaseDefinition | string;
  /** What clients do: a built-in by name (`'register'`: the database brings its `clients.register`), or your own (`defineWorkload`). */
  readonly workload: Workload | string;
  readonly nodes?: number;
  /** Client workers. */
  readonly concurrency?: number;
  /** Target total operations per second (0: as fast as the workers go). */
  readonly rate?: number;
  /** Seconds of workload (the fault phase). */
  readonly timeLimit?: number;
  /** Fault classes, as for `--nemesis`: `['partition']`, `['partition:majority', 'kill']`, or `'partition,kill'`. */
  readonly nemesis?: readonly string[] | string;
  /** Mean seconds between one fault class's transitions. */
  readonly nemesisInterval?: number;
  /** Seconds after the final heal before final operations. */
  readonly recovery?: number;
  readonly seed?: number;
  readonly isolation?: 'read-committed' | 'repeatable-read' | 'serializable';
  /** What transactional checkers judge against (default strict-serializable). */
  readonly consistencyModel?: string;
  /** Workload options (`{ opsPerKey: 100 }`), plain JSON: they are written to test.json. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A test file's test, typed (like vitest's `defineConfig`); `faultline run --test` checks it when it loads the file. */
export function defineTest(test: TestDefinition): TestDefinition {
  return test;
}
