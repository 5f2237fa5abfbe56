import type { ResolvedRun } from '../commands/run.ts';
import { runExitCode } from '../commands/run.ts';
import { RunProgress } from '../run/progress.ts';
import { runTest } from '../run/run-test.ts';
import type { StatusOutput } from '../run/status-line.ts';
import type { Plan, PlannedRun } from './plan.ts';
import type { Matrix } from './matrix.ts';
import { countsLine, crashedRun, displayPath, notRun, summarizeRun, verdictLabel, type TortureRun } from './summary.ts';
import { replayCommand } from '../../harness/replay.ts';
import { errorText } from '../../harness/errors.ts';

/** A planned run with its test and parts resolved (validated before the session starts). */
export interface SessionRun extends ResolvedRun {
  readonly planned: PlannedRun;
}

/** A session's runs, planned and resolved, with the seed and the matrix they came from. */
export interface SessionPlan {
  readonly seed: number;
  readonly shape: Matrix;
  readonly plan: Plan;
  readonly resolved: readonly SessionRun[];
}

export interface SessionOptions {
  readonly runs: readonly SessionRun[];
  readonly storeRoot: string;
  /** Stop after the first run that is not valid. */
  readonly failFast: boolean;
  /** Aborting stops the current run gracefully and leaves the rest undone. */
  readonly signal: AbortSignal;
  readonly out: StatusOutput;
  /** Echo each run's own log lines (setup, warnings) too. */
  readonly verbose: boolean;
}

export interface SessionOutcome {
  runs: TortureRun[];
  stopped?: 'fail-fast' | 'interrupted';
}

/**
 * Runs a session's runs one after another, each through `runTest` (its own cluster and store
 * folder), with a status line while each goes. A run that fails to start or crashes is recorded
 * and the session goes on (unless fail-fast): the summary tells what happened to every run.
 */
export async function runSession(options: SessionOptions): Promise<SessionOutcome> {
  const { runs, out, signal } = options;
  const done: TortureRun[] = [];
  let stopped: SessionOutcome['stopped'];
  for (const [k, run] of runs.entries()) {
    const { planned, spec } = run;
    if (stopped !== undefined || signal.aborted) {
      stopped ??= 'interrupted';
      done.push(notRun(planned, replayCommand(spec, options.storeRoot), stopped === 'fail-fast' ? 'an earlier run failed (--fail-fast)' : 'the session was interrupted'));
      continue;
    }
    const head = `run ${k + 1}/${runs.length} ${planned.id}`;
    out.print(`${head}: seed ${spec.seed}`);
    const progress = new RunProgress(spec.timeLimit);
    out.start(() => {
      const s = progress.status(!out.live);
      if (s === undefined) return undefined;
      return done.length === 0 ? `${head} · ${s}` : `${head} · ${s} · so far ${countsLine(done)}`;
    });
    let result: TortureRun;
    try {
      const outcome = await runTest(spec, { ...run.deps, storeRoot: options.storeRoot, signal, observer: progress, ...(options.verbose ? { print: out.print } : {}) });
      result = summarizeRun(planned, outcome.result, runExitCode(outcome), progress.faults.started);
    } catch (err) {
      // runTest records its own failures; this is the harness itself (the store unwritable…).
      result = crashedRun(planned, replayCommand(spec, options.storeRoot), errorText(err));
    } finally {
      out.stop();
    }
    done.push(result);
    out.print(`${head}: ${verdictText(result)}, ${result.ops ? `${result.ops.ok}/${result.ops.invoked} ok` : 'no ops'}, ${result.faults} faults, ${(result.durationMs / 1000).toFixed(1)} s → ${result.dir ? displayPath(result.dir) : '-'}`);
    for (const reason of result.incomplete) out.print(`  not a pass: ${reason}`);
    if (signal.aborted) stopped = 'interrupted';
    else if (options.failFast && result.verdict !== 'valid') stopped = 'fail-fast';
  }
  return { runs: done, ...(stopped ? { stopped } : {}) };
}

function verdictText(r: TortureRun): string {
  return verdictLabel(r.verdict) + (r.anomalyTypes.length ? ` (${r.anomalyTypes.join(', ')})` : '');
}
