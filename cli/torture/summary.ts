import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import Table from 'cli-table3';
import type { Validity } from '../../harness/result.ts';
import { EXIT, InputError } from '../../harness/errors.ts';
import { styleVerdict } from '../output.ts';
import type { CheckedSubject, CheckerOutcome } from '../gate/junit-cases.ts';
import type { RunResult } from '../../harness/store/run-result.ts';
import { replayCommand } from '../../harness/replay.ts';
import { faultLabel, type Matrix } from './matrix.ts';
import { planMatrix, plannedSpec, type ExcludedRun, type PlannedRun, type Shard } from './plan.ts';

/** A run's verdict in a session: a checker verdict, or why there is none. */
export type TortureVerdict = 'valid' | 'invalid' | 'unknown' | 'crashed' | 'bad-input' | 'not-run';

/** One run's line in `summary.json`. */
export interface TortureRun {
  index: number;
  id: string;
  name: string;
  db: string;
  workload: string;
  nemesis: string[];
  replicate: number;
  seed: number;
  verdict: TortureVerdict;
  /** The run's exit code as `faultline run` would give it; null when it did not run. */
  exitCode: number | null;
  anomalyTypes: string[];
  ops: { invoked: number; ok: number; fail: number; info: number } | null;
  /** Faults started during the run. */
  faults: number;
  durationMs: number;
  startedAt: string | null;
  /** The run's store folder; null when it did not run. */
  dir: string | null;
  /** `faultline run …` that replays this run's schedule. */
  replay: string;
  /** Why it cannot pass whatever its checkers said (see cli/gate/verdict.ts). */
  incomplete: string[];
  /** Per checker, with the first anomalies (results.json in `dir` has them all). */
  checkers: Record<string, CheckerOutcome>;
}

/** `summary.json` of a torture session (or of several merged). */
export interface TortureSummary {
  kind: 'faultline-torture';
  version: 1;
  /** The session seed every run's seed derives from. */
  seed: number;
  /** Identifies the matrix and seed: summaries merge only when these agree. */
  sessionId: string;
  matrix: Matrix;
  /** This summary's slice; null for a whole session or a merge. */
  shard: Shard | null;
  /** The store the runs were written to. */
  store: string;
  /** Runs in the whole matrix (every shard). */
  total: number;
  excluded: ExcludedRun[];
  startedAt: string;
  durationMs: number;
  /** Why runs were left undone. */
  stopped?: 'fail-fast' | 'interrupted';
  /** Replays the session (this shard). */
  replay: string;
  runs: TortureRun[];
}

const KEEP_ANOMALIES = 10;

export function sessionId(matrix: Matrix, seed: number): string {
  return createHash('sha256').update(JSON.stringify({ matrix, seed })).digest('hex').slice(0, 16);
}

function planned(p: PlannedRun): Pick<TortureRun, 'index' | 'id' | 'name' | 'db' | 'workload' | 'nemesis' | 'replicate' | 'seed'> {
  return { index: p.index, id: p.id, name: p.name, db: p.db.label, workload: p.workload.label, nemesis: [...p.nemesis], replicate: p.replicate, seed: p.seed };
}

export function verdictOf(valid: Validity, exitCode: number): TortureVerdict {
  if (exitCode === EXIT.crash) return 'crashed';
  if (exitCode === EXIT.badInput) return 'bad-input';
  return valid === true ? 'valid' : valid === false ? 'invalid' : 'unknown';
}

/** A finished run's line (its checker results trimmed to the first anomalies). */
export function summarizeRun(p: PlannedRun, r: RunResult, exitCode: number, faults: number): TortureRun {
  const checkers = Object.fromEntries(
    Object.entries(r.checkers).map(([name, c]) => [
      name,
      { valid: c.valid, anomalyTypes: c.anomalyTypes, anomalies: c.anomalies.slice(0, KEEP_ANOMALIES).map(({ type, key, text }) => ({ type, ...(key === undefined ? {} : { key }), text })), anomalyCount: c.anomalies.length, ...(c.error ? { error: c.error } : {}), ...(c.notModels ? { notModels: c.notModels } : {}), ...(c.vacuous ? { vacuous: c.vacuous, vacuousReason: c.vacuousReason } : {}), ...(c.stats?.checkMs === undefined ? {} : { stats: { checkMs: c.stats.checkMs } }) },
    ]),
  );
  return {
    ...planned(p),
    verdict: verdictOf(r.valid, exitCode),
    exitCode,
    anomalyTypes: r.anomalyTypes,
    ops: { invoked: r.ops.invoked, ok: r.ops.ok, fail: r.ops.fail, info: r.ops.info },
    faults,
    durationMs: r.durationMs,
    startedAt: r.startedAt,
    dir: r.dir,
    replay: r.replay,
    incomplete: r.incomplete,
    checkers,
  };
}

/** A run that never started (fail-fast, Ctrl-C, a shard whose summary is missing). */
export function notRun(p: PlannedRun, replay: string, why: string): TortureRun {
  return { ...planned(p), verdict: 'not-run', exitCode: null, anomalyTypes: [], ops: null, faults: 0, durationMs: 0, startedAt: null, dir: null, replay, incomplete: [`not run: ${why}`], checkers: {} };
}

/** A run whose harness threw before it could record a result (the session goes on without it). */
export function crashedRun(p: PlannedRun, replay: string, message: string): TortureRun {
  return { ...notRun(p, replay, ''), verdict: 'crashed', exitCode: EXIT.crash, incomplete: [`the harness crashed: ${message}`] };
}

/**
 * The session's exit code: 1 when any run found an anomaly (the finding matters most), else 255
 * when a run crashed, 254 when one was given bad input, 2 when any is unknown or did not run,
 * 0 only when every run of the slice ran and is valid (fail closed).
 */
export function sessionExitCode(runs: readonly TortureRun[]): number {
  const has = (v: TortureVerdict) => runs.some((r) => r.verdict === v);
  if (has('invalid')) return EXIT.invalid;
  if (has('crashed')) return EXIT.crash;
  if (has('bad-input')) return EXIT.badInput;
  if (runs.length === 0 || has('unknown') || has('not-run')) return EXIT.unknown;
  return EXIT.valid;
}

/** The run as a JUnit suite: its checkers, and the run itself (not run = error). */
export function runSubjectOf(r: TortureRun): CheckedSubject {
  return {
    name: r.id,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    durationMs: r.durationMs,
    checkers: r.checkers,
    incomplete: r.incomplete,
    properties: { db: r.db, workload: r.workload, nemesis: r.nemesis.join(',') || 'none', seed: String(r.seed), verdict: r.verdict, ...(r.dir ? { dir: r.dir } : {}) },
    replay: r.replay,
    ...(r.dir ? { dir: r.dir } : {}),
  };
}

/** The verdict as shown: coloured on a terminal, INVALID in capitals as `faultline run` prints it. */
export function verdictLabel(v: TortureVerdict): string {
  return styleVerdict(v);
}

const BORDERLESS = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' };

/** The summary table: run, verdict, anomaly types, ops, faults, duration, path. */
export function renderTable(runs: readonly TortureRun[], cwd = process.cwd()): string {
  const table = new Table({ head: ['run', 'verdict', 'anomalies', 'ops ok/invoked', 'faults', 'duration', 'path'], chars: BORDERLESS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  for (const r of runs) {
    table.push([
      r.id,
      verdictLabel(r.verdict),
      r.anomalyTypes.join(',') || '-',
      r.ops ? `${r.ops.ok}/${r.ops.invoked}` : '-',
      String(r.faults),
      r.verdict === 'not-run' ? '-' : `${(r.durationMs / 1000).toFixed(1)} s`,
      r.dir ? displayPath(r.dir, cwd) : '-',
    ]);
  }
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** A path as short as it can be said: relative to `cwd` when inside it. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** One line of counts: `6 runs: 5 valid, 1 INVALID`. */
export function countsLine(runs: readonly TortureRun[]): string {
  const order: TortureVerdict[] = ['valid', 'invalid', 'unknown', 'crashed', 'bad-input', 'not-run'];
  const parts = order.map((v) => [v, runs.filter((r) => r.verdict === v).length] as const).filter(([, n]) => n > 0);
  return `${runs.length} run${runs.length === 1 ? '' : 's'}: ${parts.map(([v, n]) => styleVerdict(v, `${n} `)).join(', ') || 'none'}`;
}

/** Every run that did not pass, with its replay command. */
export function failingLines(runs: readonly TortureRun[]): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    if (r.verdict === 'valid') continue;
    lines.push(`${r.id}: ${verdictLabel(r.verdict)}${r.anomalyTypes.length ? ` (${r.anomalyTypes.join(', ')})` : ''}${r.incomplete.length ? ` — ${r.incomplete.join('; ')}` : ''}`);
    lines.push(`  replay: ${r.replay}`);
  }
  return lines;
}

/** Is this parsed JSON a torture summary? (merge picks summary.json files out of artifact folders) */
export function isTortureSummary(o: unknown): o is TortureSummary {
  return typeof o === 'object' && o !== null && (o as TortureSummary).kind === 'faultline-torture';
}

/**
 * Joins the summaries of one session's shards into one. They must come from the same matrix and
 * seed; a run two summaries both report is an error. Runs no summary covers (a shard whose job
 * died) are listed as not run, so a merged gate cannot pass without them.
 */
export function mergeSummaries(summaries: readonly { file: string; summary: TortureSummary }[]): TortureSummary {
  if (summaries.length === 0) throw new InputError('--merge found no torture summary (summary.json) in the folders given');
  const first = summaries[0]!;
  for (const { file, summary } of summaries) {
    if (summary.version !== 1) throw new InputError(`summary version ${JSON.stringify(summary.version)} is not one this build reads (1)`, file);
    if (summary.sessionId !== first.summary.sessionId) {
      throw new InputError(`comes from another session (seed ${summary.seed}, matrix ${summary.sessionId}) than ${first.file} (seed ${first.summary.seed}, matrix ${first.summary.sessionId}): merge only the shards of one session`, file);
    }
  }
  const byIndex = new Map<number, { file: string; run: TortureRun }>();
  for (const { file, summary } of summaries) {
    for (const run of summary.runs) {
      const seen = byIndex.get(run.index);
      if (seen) throw new InputError(`run ${run.id} is in two summaries (also ${seen.file}); merge each shard once`, file);
      byIndex.set(run.index, { file, run });
    }
  }
  const { matrix, seed } = first.summary;
  const excludedReason = new Map(first.summary.excluded.map((e) => [e.name, e.reason]));
  const plan = planMatrix(matrix, seed, (db, w, n) => excludedReason.get(`${db.label}-${w.label}-${faultLabel(n)}`));
  const runs: TortureRun[] = plan.runs.map((p) => {
    const got = byIndex.get(p.index);
    if (got && (got.run.id !== p.id || got.run.seed !== p.seed)) {
      throw new InputError(`run ${p.index} is ${got.run.id} (seed ${got.run.seed}) here but ${p.id} (seed ${p.seed}) in the matrix: written by another faultline version?`, got.file);
    }
    return got?.run ?? notRun(p, replayCommand(plannedSpec(p, matrix.run), first.summary.store), 'no summary covers it (a shard missing from the merge?)');
  });
  const stopped = summaries.map((s) => s.summary.stopped).find((s) => s !== undefined);
  return {
    ...first.summary,
    shard: null,
    startedAt: summaries.map((s) => s.summary.startedAt).sort()[0]!,
    durationMs: Math.max(...summaries.map((s) => s.summary.durationMs)),
    replay: first.summary.replay.replace(/ --shard \S+/, ''),
    runs,
    ...(stopped ? { stopped } : {}),
  };
}
