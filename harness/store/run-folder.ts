import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { HistoryWriter } from '../history/writer.ts';
import type { History } from '../history/op.ts';
import { readHistoryFile } from '../importers/read-history.ts';
import type { Validity } from '../result.ts';
import type { TestSpec } from '../test-spec.ts';
import type { RunResult, StoredResults } from './run-result.ts';

/** The files of a run folder (DESIGN.md §3). */
export const RUN_FILES = {
  test: 'test.json',
  history: 'history.jsonl',
  results: 'results.json',
  log: 'faultline.log',
  report: 'report.html',
  nodes: 'nodes',
} as const;

/**
 * Writes `value` as JSON so that a reader never sees half of it: into a temporary file beside
 * the target, then renamed over it (a rename within a folder is atomic). A crash leaves the old
 * file or the new one, never a truncated one.
 */
export async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

export function writeTestSpec(dir: string, spec: TestSpec): Promise<void> {
  return writeJsonAtomically(join(dir, RUN_FILES.test), spec);
}

export function writeResults(dir: string, results: RunResult): Promise<void> {
  return writeJsonAtomically(join(dir, RUN_FILES.results), results);
}

/** The run's history, appended while it goes (see HistoryWriter). */
export function openHistory(dir: string): HistoryWriter {
  return new HistoryWriter(join(dir, RUN_FILES.history));
}

/** A stored run as read back, every file checked. */
export interface StoredRun {
  dir: string;
  test: TestSpec;
  history: History;
  /** Undefined when the run never wrote results.json (it died before checking). */
  results: StoredResults | undefined;
}

/**
 * Reads a run folder (`store/<test>/<timestamp>/`): test.json and results.json checked field by
 * field (every problem named at once, with the file), the history parsed as faultline JSONL. A run
 * without results.json is read, with `results` undefined.
 */
export async function readRun(dir: string): Promise<StoredRun> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new InputError('no such run folder', dir);
  if (!info.isDirectory()) throw new InputError('expected a run folder (store/<test>/<timestamp>/), got a file', dir);
  const testFile = join(dir, RUN_FILES.test);
  const test = await readJson(testFile);
  if (test === undefined) throw new InputError('no test.json here: not a faultline run folder (expected store/<test>/<timestamp>/)', dir);
  const testProblems = testSpecProblems(test);
  if (testProblems.length > 0) throw problemsError(testFile, testProblems);
  const history = await readHistoryFile(join(dir, RUN_FILES.history), 'faultline');
  const resultsFile = join(dir, RUN_FILES.results);
  const results = await readJson(resultsFile);
  if (results !== undefined) {
    const problems = resultsProblems(results);
    if (problems.length > 0) throw problemsError(resultsFile, problems);
  }
  return { dir, test: test as TestSpec, history, results: results as StoredResults | undefined };
}

/** test.json or results.json as a plain object, or undefined when missing or unreadable (for an index that must not fail on one bad run). */
export async function peekRunFile(dir: string, file: 'test' | 'results'): Promise<Record<string, unknown> | undefined> {
  try {
    const v: unknown = JSON.parse(await readFile(join(dir, RUN_FILES[file]), 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${RUN_NAME(file)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`expected ${RUN_NAME(file)} to be JSON: ${(err as Error).message}`, file);
  }
}

const RUN_NAME = (file: string) => file.split(/[\\/]/).pop() ?? file;

/** Every problem with a test.json at once (STYLE.md #3), or none. */
export function testSpecProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['expected a JSON object'];
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of ['name', 'db', 'workload'] as const) if (typeof o[k] !== 'string') problems.push(`"${k}" must be a string`);
  for (const k of ['nodes', 'concurrency', 'rate', 'timeLimit', 'nemesisInterval', 'recovery', 'seed'] as const) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) problems.push(`"${k}" must be a number`);
  }
  if (!Array.isArray(o.nemesis) || !o.nemesis.every((n) => typeof n === 'string')) problems.push('"nemesis" must be a list of fault names');
  if (typeof o.options !== 'object' || o.options === null || Array.isArray(o.options)) problems.push('"options" must be an object');
  if (o.versions !== undefined && (typeof o.versions !== 'object' || o.versions === null)) problems.push('"versions" must be an object');
  if (o.testFile !== undefined && typeof o.testFile !== 'string') problems.push('"testFile" must be a path');
  return problems;
}

const VALIDITIES: readonly Validity[] = [true, false, 'unknown'];

/** Every problem with a results.json at once, or none. */
export function resultsProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['expected a JSON object'];
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (!VALIDITIES.includes(o.valid as Validity)) problems.push('"valid" must be true, false or "unknown"');
  if (!Array.isArray(o.anomalyTypes)) problems.push('"anomalyTypes" must be a list');
  if (typeof o.checkers !== 'object' || o.checkers === null || Array.isArray(o.checkers)) {
    problems.push('"checkers" must be an object of checker results');
  } else {
    for (const [name, r] of Object.entries(o.checkers as Record<string, unknown>)) {
      const c = r as Record<string, unknown> | null;
      if (typeof c !== 'object' || c === null) problems.push(`checkers.${name} must be an object`);
      else {
        if (!VALIDITIES.includes(c.valid as Validity)) problems.push(`checkers.${name}.valid must be true, false or "unknown"`);
        if (!Array.isArray(c.anomalies) || !c.anomalies.every((a) => typeof a === 'object' && a !== null && typeof a.type === 'string' && typeof a.text === 'string')) {
          problems.push(`checkers.${name}.anomalies must be a list of {type, text, …}`);
        }
        if (!Array.isArray(c.anomalyTypes)) problems.push(`checkers.${name}.anomalyTypes must be a list`);
      }
    }
  }
  if (o.availability !== undefined && !Array.isArray(o.availability)) problems.push('"availability" must be a list');
  if (o.faultWindows !== undefined && !(Array.isArray(o.faultWindows) && o.faultWindows.every(isFaultWindow))) {
    problems.push('"faultWindows" must be a list of {fault, start, end, …}');
  }
  return problems;
}

function isFaultWindow(w: unknown): boolean {
  const o = w as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.fault === 'string' && typeof o.start === 'number' && typeof o.end === 'number';
}

function problemsError(file: string, problems: string[]): InputError {
  return new InputError(problems.length === 1 ? problems[0]! : `${problems.length} problems: ${problems.join('; ')}`, file);
}
