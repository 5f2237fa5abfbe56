import type { History } from '../harness/history/op.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import type { StoredRun } from '../harness/store/run-folder.ts';
import type { StoredResults } from '../harness/store/run-result.ts';

/** Everything one report is drawn from. */
export interface ReportInput {
  /** The test as run (`test.json`); absent for a history checked on its own. */
  test?: TestSpec;
  history: History;
  /** Undefined when the run was never checked (it died before results.json was written). */
  results: StoredResults | undefined;
  /** The run folder; file links in the report are relative to it. */
  runDir?: string;
  /** Heading when there is no test, e.g. the checked file's name. */
  title?: string;
  /** Overrides the replay command derived from the test (e.g. the `faultline check …` line). */
  replay?: string;
  /** Fixed in tests so output is reproducible. */
  generatedAt?: Date;
}

/** A stored run's report: its links point at the files beside it. */
export function runReportInput(run: StoredRun): ReportInput {
  return { test: run.test, history: run.history, results: run.results, runDir: run.dir };
}
