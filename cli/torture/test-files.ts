import { InputError } from '../../harness/errors.ts';
import { randomSeed } from '../../harness/random.ts';
import type { TestDefinition } from '../../api/define.ts';
import { resolveSpec } from '../commands/run.ts';
import type { RunEnvironment } from '../run/environment.ts';
import { loadTestFile, withTest, type LoadedTest } from '../run/test-file.ts';
import { completeMatrix, parseFaults, variant, type Matrix, type MatrixInput, type RunSettings, type Variant } from './matrix.ts';
import { MAX_RUNS, planMatrix, plannedSpec, unrunnable, type ExcludedRun, type PlannedRun } from './plan.ts';
import type { SessionPlan, SessionRun } from './session.ts';

/**
 * A torture session over test files (`torture --test a.ts --test b.ts`): each file is one
 * database × workload with its own settings, crossed with the fault combinations (the flags', else
 * the file's) and the seeds. Flags win over a file's settings, as for `run --test`. Every run is
 * checked before any starts.
 */
export async function planTestFiles(files: readonly string[], flags: MatrixInput, seedArg: number | undefined, base: RunEnvironment): Promise<SessionPlan> {
  if (files.length === 0) throw new InputError('--test needs a test file');
  const tests: LoadedTest[] = [];
  for (const file of files) tests.push(await loadTestFile(file, base));
  const seed = seedArg ?? randomSeed();
  const runs: PlannedRun[] = [];
  const excluded: ExcludedRun[] = [];
  const resolved: SessionRun[] = [];
  const shapes: Matrix[] = [];
  const planned: { run: PlannedRun; test: LoadedTest; shape: Matrix; env: RunEnvironment }[] = [];
  for (const test of tests) {
    // Each file's run resolves among the built-in databases and workloads and that file's own.
    const env = withTest(base, test);
    const shape = completeMatrix(fileMatrix(test), flags, { databases: [], workloads: [] });
    shapes.push(shape);
    const plan = planMatrix(shape, seed, unrunnable(env, shape.run));
    excluded.push(...plan.excluded.map((e) => ({ ...e, name: `${e.name} (${test.file})` })));
    for (const run of plan.runs) {
      if (planned.some((o) => o.run.id === run.id)) throw new InputError(`two test files both make the run ${run.id}; give one of them another name`);
      planned.push({ run, test, shape, env });
    }
  }
  if (planned.length > MAX_RUNS) throw new InputError(`the test files ask for ${planned.length} runs in all; a session plans at most ${MAX_RUNS}`);
  // Replicate outermost, as in a matrix: the first runs already cover every file once.
  planned.sort((a, b) => a.run.replicate - b.run.replicate);
  for (const { run, test, shape, env } of planned) {
    const p = { ...run, index: runs.length };
    runs.push(p);
    try {
      resolved.push({ planned: p, ...resolveSpec({ ...plannedSpec(p, shape.run, (n) => env.workloads?.get(n)), testFile: test.file }, env) });
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`run ${p.id} (${test.file}): ${err.message}`);
      throw err;
    }
  }
  if (runs.length === 0) throw new InputError(`no test file has a run that can go: ${excluded.map((e) => `${e.name}: ${e.reason}`).join('; ')}`);
  return { seed, shape: combined(shapes), plan: { runs, excluded }, resolved };
}

/** A test file's settings as a matrix: its database (labelled with the test's name) and workload, its faults, its run settings. */
function fileMatrix({ definition: d, database, workload }: LoadedTest): MatrixInput {
  const run: Partial<Record<keyof RunSettings, unknown>> = {};
  for (const k of ['nodes', 'concurrency', 'rate', 'timeLimit', 'nemesisInterval', 'recovery', 'isolation'] as const satisfies readonly (keyof TestDefinition & keyof RunSettings)[]) {
    if (d[k] !== undefined) run[k] = d[k];
  }
  if (d.options !== undefined) run.options = d.options;
  return {
    databases: [variant(database.name, d.name ?? database.name)],
    workloads: [variant(workload.name)],
    ...(d.nemesis === undefined ? {} : { nemesis: [parseFaults(typeof d.nemesis === 'string' ? d.nemesis : d.nemesis.join(','))] }),
    run: run as Partial<RunSettings>,
  };
}

/** What the summary records as the session's matrix: every file's database, workload and faults. */
function combined(shapes: readonly Matrix[]): Matrix {
  const unique = <T>(items: T[], key: (t: T) => string) => items.filter((t, i) => items.findIndex((u) => key(u) === key(t)) === i);
  return {
    databases: unique(shapes.flatMap((s) => [...s.databases]), (v: Variant) => v.label),
    workloads: unique(shapes.flatMap((s) => [...s.workloads]), (v: Variant) => v.label),
    nemesis: unique(shapes.flatMap((s) => [...s.nemesis]), (n) => n.join(',')),
    seeds: shapes[0]!.seeds,
    run: shapes[0]!.run,
  };
}
