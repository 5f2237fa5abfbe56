/**
 * A test is plain data (STYLE.md #1): it is written to `test.json` in the run folder and can be
 * read back to replay or re-check a run. Runtime handles live in a separate run context.
 */
export interface TestSpec {
  /** Store folder name: `store/<name>/<timestamp>/`. Defaults to `<db>-<workload>`. */
  name: string;
  db: string;
  workload: string;
  /** Number of database nodes (containers n1…nN). */
  nodes: number;
  /** Client workers. */
  concurrency: number;
  /** Target total operations per second across all workers. */
  rate: number;
  /** Seconds of workload (the fault phase). */
  timeLimit: number;
  /** Fault classes (`partition`, `kill`, `pause`, `clock`, `packet`); empty for none. */
  nemesis: string[];
  /**
   * Variants chosen per fault class (`--nemesis partition:one+primaries` → `{ partition: ['one',
   * 'primaries'] }`); a class not listed runs its defaults.
   */
  nemesisVariants?: Record<string, string[]>;
  /** Seconds between fault transitions. */
  nemesisInterval: number;
  /** Seconds after the final heal before final reads. */
  recovery: number;
  seed: number;
  isolation?: 'read-committed' | 'repeatable-read' | 'serializable';
  /** The model transactional checkers judge against (`snapshot-isolation`…); default strict-serializable. */
  consistencyModel?: string;
  /** Workload/database-specific options (`readConsistency`, `keyCount`…), plain JSON. */
  options: Record<string, unknown>;
  /**
   * The test file that defines this test's database and workload (`faultline run --test FILE`),
   * as it was given; absent for the built-in databases and workloads.
   */
  testFile?: string;
  /** Filled at run time: database and harness versions. */
  versions?: Record<string, string>;
}

/** The settings a test gets when not told otherwise (`faultline run` and `torture` flags). */
export const TEST_DEFAULTS = { nodes: 5, concurrency: 10, rate: 200, timeLimit: 60, nemesisInterval: 10, recovery: 10 } as const satisfies Partial<TestSpec>;

/** A test spec, typed (like vitest's defineConfig); a test file's own test is `defineTest` in api/define.ts. */
export function defineSpec(spec: TestSpec): TestSpec {
  return spec;
}
