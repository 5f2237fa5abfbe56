import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Validity } from '../harness/result.ts';
import { InputError } from '../harness/errors.ts';
import { readHistoryFile } from '../harness/importers/read-history.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import type { ReportInput, RunResults } from './report-input.ts';

async function readJson(file: string, what: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`expected ${what} to be JSON: ${(err as Error).message}`, file);
  }
}

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
  return problems;
}

function problemsError(file: string, problems: string[]): InputError {
  return new InputError(`${problems.length === 1 ? problems[0] : `${problems.length} problems: ${problems.join('; ')}`}`, file);
}

/**
 * Reads a stored run (`store/<test>/<timestamp>/`) for its report. A run without results.json
 * (it died before checking) still gets a report, whose verdict says it was not checked.
 */
export async function loadRun(runDir: string): Promise<ReportInput> {
  const info = await stat(runDir).catch(() => undefined);
  if (!info) throw new InputError('no such run folder', runDir);
  if (!info.isDirectory()) throw new InputError('expected a run folder (store/<test>/<timestamp>/), got a file', runDir);
  const testFile = join(runDir, 'test.json');
  const test = await readJson(testFile, 'test.json');
  if (test === undefined) throw new InputError('no test.json here: not a faultline run folder (expected store/<test>/<timestamp>/)', runDir);
  const testProblems = testSpecProblems(test);
  if (testProblems.length > 0) throw problemsError(testFile, testProblems);
  const history = await readHistoryFile(join(runDir, 'history.jsonl'), 'faultline');
  const resultsFile = join(runDir, 'results.json');
  const results = await readJson(resultsFile, 'results.json');
  if (results !== undefined) {
    const problems = resultsProblems(results);
    if (problems.length > 0) throw problemsError(resultsFile, problems);
  }
  return { test: test as TestSpec, history, results: results as RunResults | undefined, runDir };
}
