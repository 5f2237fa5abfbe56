import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Validity } from '../../checkers/result.ts';
import { loadRun } from '../../reports/load-run.ts';
import { writeReport } from '../../reports/write-report.ts';
import { getWorkload, workloadNames } from '../../workloads/registry.ts';
import { InputError } from '../errors.ts';
import { gateVerdict } from '../gate/verdict.ts';
import type { History } from '../history/op.ts';
import type { TestSpec } from '../test-spec.ts';
import { countOps, runCheckers } from './check-run.ts';
import { replayCommand } from './replay.ts';
import type { RunResult } from './run-test.ts';

/** A run's results after `faultline check RUN_DIR`: the run's facts kept, its checks redone. */
export interface RecheckedResult extends RunResult {
  /** When the checkers were re-run. */
  recheckedAt: string;
  /** The verdict before the re-check (absent when the run had no results.json). */
  previous?: { valid: Validity; anomalyTypes: string[] };
}

/** A stored run, parsed and ready to re-check (parse everything first: bad input fails before any work). */
export interface StoredRun {
  dir: string;
  test: TestSpec;
  history: History;
  /** The old results.json as stored (the runner's fields: interrupted, error, runId…), if any. */
  old: Partial<RunResult> | undefined;
}

export async function loadStoredRun(dir: string): Promise<StoredRun> {
  const run = await loadRun(dir);
  const test = run.test!;
  if (!getWorkload(test.workload)) {
    throw new InputError(`test.json names the workload ${JSON.stringify(test.workload)}, which this build does not have (it has ${workloadNames().join(', ')})`, join(dir, 'test.json'));
  }
  return { dir, test, history: run.history, old: run.results as Partial<RunResult> | undefined };
}

/**
 * Re-runs a stored run's checkers — the ones its workload asks for in this build, so new checker
 * versions judge old runs — then rewrites results.json and report.html. What only the run itself
 * knew (interrupted, why it failed, when and how long) is kept from the old results.json; a run
 * that died before writing one cannot pass (fail closed).
 */
export async function recheckRun(run: StoredRun, timeLimitMs?: number): Promise<RecheckedResult> {
  const { dir, test, history, old } = run;
  const workload = getWorkload(test.workload)!;
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
  const result: RecheckedResult = {
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
    startedAt: old?.startedAt ?? (await stat(join(dir, 'test.json'))).mtime.toISOString(),
    durationMs: old?.durationMs ?? 0,
    ops,
    interrupted,
    skipped: checks.skipped,
    replay: old?.replay ?? replayCommand(test),
    recheckedAt: new Date().toISOString(),
    ...(old?.valid === undefined ? {} : { previous: { valid: old.valid, anomalyTypes: old.anomalyTypes ?? [] } }),
  };
  await writeFile(join(dir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeReport({ test, history, results: result, runDir: dir });
  return result;
}
