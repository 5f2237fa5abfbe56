import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../harness/errors.ts';
import { replayCommand } from '../../harness/replay.ts';
import { readRun, RUN_FILES, writeResults, type StoredRun } from '../../harness/store/run-folder.ts';
import { countOps, type RunResult } from '../../harness/store/run-result.ts';
import { writeReport } from '../../reports/write-report.ts';
import { getWorkload, workloadNames } from '../../workloads/registry.ts';
import type { Workload } from '../../workloads/workload.ts';
import { gateVerdict } from '../gate/verdict.ts';
import { defaultEnvironment } from './environment.ts';
import { loadTestFile } from './test-file.ts';
import { runCheckers } from './check-run.ts';

/** The workload of each loaded run whose workload came from its test file. */
const fromTestFile = new WeakMap<StoredRun, Workload>();

/**
 * A stored run, read and checked before any work (bad input fails before anything is rewritten).
 * A run of a test file's own workload loads that file again, from where the run was started.
 */
export async function loadStoredRun(dir: string): Promise<StoredRun> {
  const run = await readRun(dir);
  if (getWorkload(run.test.workload)) return run;
  const where = join(dir, RUN_FILES.test);
  if (run.test.testFile === undefined) {
    throw new InputError(`test.json names the workload ${JSON.stringify(run.test.workload)}, which this build does not have (it has ${workloadNames().join(', ')})`, where);
  }
  const test = await loadTestFile(run.test.testFile, await defaultEnvironment()).catch((err: Error) => {
    throw new InputError(`the workload ${JSON.stringify(run.test.workload)} is the test file's, which could not be loaded from here: ${err.message}`, where);
  });
  if (test.workload.name !== run.test.workload) throw new InputError(`${run.test.testFile} now defines the workload ${JSON.stringify(test.workload.name)}, not ${JSON.stringify(run.test.workload)}`, where);
  fromTestFile.set(run, test.workload);
  return run;
}

/**
 * Re-runs a stored run's checkers — the ones its workload asks for in this build, so new checker
 * versions judge old runs — then rewrites results.json and report.html. What only the run itself
 * knew (interrupted, why it failed, when and how long, its fault windows) is kept from the old
 * results.json; a run that died before writing one cannot pass (fail closed).
 */
export async function recheckRun(run: StoredRun, timeLimitMs?: number): Promise<RunResult> {
  const { dir, test, history, results: old } = run;
  const workload = fromTestFile.get(run) ?? getWorkload(test.workload)!;
  const checks = await runCheckers(history, workload.checkers(test), timeLimitMs);
  const ops = countOps(history);
  const interrupted = old?.interrupted === true;
  const error = typeof old?.error === 'string' ? old.error : undefined;
  const { valid, incomplete } = gateVerdict(checks.composed, {
    interrupted,
    skipped: checks.skipped,
    ops,
    ...(error === undefined ? {} : { error }),
    ...(old === undefined ? { unfinished: 'the run left no results.json: it stopped before its checks' } : {}),
  });
  const result: RunResult = {
    ...old,
    ...checks.composed,
    valid,
    incomplete,
    test: test.name,
    db: test.db,
    workload: test.workload,
    seed: test.seed,
    dir: old?.dir ?? dir,
    runId: old?.runId ?? '',
    startedAt: old?.startedAt ?? (await stat(join(dir, RUN_FILES.test))).mtime.toISOString(),
    durationMs: old?.durationMs ?? 0,
    ops,
    interrupted,
    skipped: checks.skipped,
    replay: old?.replay ?? replayCommand(test),
    recheckedAt: new Date().toISOString(),
    ...(old?.valid === undefined ? {} : { previous: { valid: old.valid, anomalyTypes: old.anomalyTypes ?? [] } }),
  };
  await writeResults(dir, result);
  await writeReport({ test, history, results: result, runDir: dir });
  return result;
}
