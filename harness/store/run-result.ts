import type { FaultAvailability } from '../faults/availability.ts';
import type { FaultWindow } from '../faults/windows.ts';
import type { History } from '../history/op.ts';
import type { ComposedResult, Validity } from '../result.ts';

/** Client ops by outcome, and nemesis ops, in a history. */
export interface OpCounts {
  /** Client ops invoked. */
  invoked: number;
  ok: number;
  fail: number;
  info: number;
  /** Invoked and never completed (the run ended while they were in flight). */
  pending: number;
  /** Nemesis operations (pairs count once). */
  nemesis: number;
}

export function countOps(history: History): OpCounts {
  const c: OpCounts = { invoked: 0, ok: 0, fail: 0, info: 0, pending: 0, nemesis: 0 };
  let nemesisRecords = 0;
  for (const op of history) {
    if (op.process === 'nemesis') nemesisRecords++;
    else if (op.type === 'invoke') c.invoked++;
    else c[op.type]++;
  }
  c.pending = c.invoked - c.ok - c.fail - c.info;
  c.nemesis = Math.ceil(nemesisRecords / 2);
  return c;
}

/** A checker the workload asked for that did not run. */
export interface SkippedChecker {
  checker: string;
  reason: string;
}

/**
 * `results.json`, the one shape a run's results have: the composed verdict plus what a person
 * needs to find, judge and replay the run. `faultline check RUN` rewrites it with the run's facts
 * kept and `recheckedAt` / `previous` added.
 */
export interface RunResult extends ComposedResult {
  test: string;
  db: string;
  workload: string;
  seed: number;
  /** The run's folder. */
  dir: string;
  /** The label on every container and network the run created (for `faultline clean` and audits). */
  runId: string;
  startedAt: string;
  durationMs: number;
  ops: OpCounts;
  /** Stopped by a signal before the time limit; a valid prefix is then only `unknown`. */
  interrupted: boolean;
  /** Checkers the workload asked for that this build lacks. */
  skipped: SkippedChecker[];
  /**
   * Why the run cannot pass whatever its checkers said (interrupted, failed, a checker skipped,
   * nothing succeeded): the gate fails closed, so `valid` is then at best `unknown`.
   */
  incomplete: string[];
  /** Why the run could not finish (setup failed, user code broke its contract…). */
  error?: string;
  replay: string;
  /** When faults were in force, as the run computed them from its nemesis ops (the report shades these). */
  faultWindows?: FaultWindow[];
  /** How clients fared in each fault window (absent when no fault was injected). */
  availability?: FaultAvailability[];
  /** When `faultline check RUN` last re-ran the checkers. */
  recheckedAt?: string;
  /** The verdict before that re-check (absent when the run had no results.json). */
  previous?: { valid: Validity; anomalyTypes: string[] };
}

/**
 * Results as a report reads them: a run's results.json, or only a composed verdict (a history
 * file checked with `faultline check --report`), or nothing (a run that died before checking).
 */
export type StoredResults = ComposedResult & Partial<Omit<RunResult, keyof ComposedResult>>;
