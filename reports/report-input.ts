import type { ComposedResult } from '../harness/result.ts';
import type { History } from '../harness/history/op.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import type { FaultAvailability } from '../harness/faults/availability.ts';

/**
 * What the report reads from `results.json`: the composed verdict plus the runner's extras (others are ignored).
 * `availability` is computed from the history when the runner did not store it.
 */
export interface RunResults extends ComposedResult {
  availability?: FaultAvailability[];
  /** The runner's paste-able replay line; preferred over one rebuilt from test.json. */
  replay?: string;
  durationMs?: number;
  /** Stopped by a signal before the time limit. */
  interrupted?: boolean;
  /** Why the run could not finish (setup failed, a client broke its contract…). */
  error?: string;
}

/** Everything one report is drawn from. */
export interface ReportInput {
  /** The test as run (`test.json`); absent for a history checked on its own. */
  test?: TestSpec;
  history: History;
  /** Undefined when the run was never checked (it died before results.json was written). */
  results: RunResults | undefined;
  /** The run folder; file links in the report are relative to it. */
  runDir?: string;
  /** Heading when there is no test, e.g. the checked file's name. */
  title?: string;
  /** Overrides the replay command derived from the test (e.g. the `faultline check …` line). */
  replay?: string;
  /** Fixed in tests so output is reproducible. */
  generatedAt?: Date;
}
