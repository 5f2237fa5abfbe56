import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { usage } from './index.ts';
import { nemesisNames } from '../../nemesis/registry.ts';
import { workloadNames } from '../../workloads/registry.ts';
import { InputError } from '../../harness/errors.ts';
import { checkWritable, writeJUnit } from '../gate/junit.ts';
import { junitSuite } from '../gate/junit-cases.ts';
import { randomSeed } from '../../harness/random.ts';
import { defaultEnvironment, type RunEnvironment } from '../run/environment.ts';
import { shellWord } from '../../harness/replay.ts';
import { statusOutput, type StatusOutput } from '../run/status-line.ts';
import { interceptSignals } from '../../harness/shutdown.ts';
import { runTimestamp } from '../../harness/store/store.ts';
import { completeMatrix, faultName, parseFaults, readMatrixFile, variant, type KnownNames, type Matrix, type MatrixInput } from '../torture/matrix.ts';
import { parseShard, planMatrix, plannedSpec, shardRuns, unrunnable, type Shard } from '../torture/plan.ts';
import { planTestFiles } from '../torture/test-files.ts';
import { runSession, type SessionPlan, type SessionRun } from '../torture/session.ts';
import { countsLine, displayPath, failingLines, isTortureSummary, mergeSummaries, renderTable, runSubjectOf, sessionExitCode, sessionId, type TortureSummary } from '../torture/summary.ts';
import { parseOptions, parseSeed, resolveSpec } from './run.ts';
import { numberFlag } from '../number-flag.ts';

interface TortureArgs {
  test?: string[];
  matrix?: string;
  db?: string[];
  workload?: string[];
  nemesis?: string[];
  seeds?: number;
  nodes?: number;
  concurrency?: number;
  rate?: number;
  'time-limit'?: number;
  'nemesis-interval'?: number;
  recovery?: number;
  isolation?: string;
  option?: string[];
  seed?: string;
  shard?: string;
  'fail-fast': boolean;
  store: string;
  junit?: string;
  summary?: string;
  json: boolean;
  'dry-run': boolean;
  verbose: boolean;
  merge?: string[];
}

/** Flags that shape the matrix, in the order a replay command lists them. */
const MATRIX_FLAGS = ['test', 'matrix', 'db', 'workload', 'nemesis', 'seeds', 'nodes', 'concurrency', 'rate', 'time-limit', 'nemesis-interval', 'recovery', 'isolation', 'option'] as const;

export function tortureCommand(setExit: (code: number) => void, environment: () => Promise<RunEnvironment> = defaultEnvironment): CommandModule<object, TortureArgs> {
  return {
    ...usage('torture'),
    builder: (y: Argv) =>
      y
        .option('test', { type: 'string', array: true, describe: 'test files (repeatable): each names its database, workload and settings; the runs are test files × --nemesis × --seeds' })
        .option('matrix', { type: 'string', describe: 'a YAML or JSON matrix file (flags given as well override its keys)' })
        .option('db', { type: 'string', array: true, describe: 'databases (repeat or comma-separate); default etcd' })
        .option('workload', { type: 'string', array: true, describe: 'workloads (repeat or comma-separate); default register' })
        .option('nemesis', { type: 'string', array: true, describe: 'fault combinations, one per value: none, partition, partition,kill …; default none' })
        .option('seeds', numberFlag('runs per combination, each with its own derived seed (default 1)'))
        .option('nodes', numberFlag('as for run (default: each workload\'s, 5 for etcd)'))
        .option('concurrency', numberFlag('as for run (default 10)'))
        .option('rate', numberFlag('as for run (default 200)'))
        .option('time-limit', numberFlag('seconds of workload per run (default 60)'))
        .option('nemesis-interval', numberFlag('as for run (default 10)'))
        .option('recovery', numberFlag('as for run (default 10)'))
        .option('isolation', { type: 'string', describe: 'as for run' })
        .option('option', { type: 'string', array: true, describe: 'option key=value for every run, repeatable' })
        .option('seed', { type: 'string', describe: 'session seed; every run\'s seed derives from it (default: a fresh one, printed)' })
        .option('shard', { type: 'string', describe: 'K/N: run only the K-th of N slices of the matrix (round-robin)' })
        .option('fail-fast', { type: 'boolean', default: false, describe: 'stop after the first run that is not valid' })
        .option('store', { type: 'string', default: 'store', describe: 'where run folders and the session summary go' })
        .option('junit', { type: 'string', describe: 'write JUnit XML to FILE: a suite per run, a case per checker' })
        .option('summary', { type: 'string', describe: 'also write the JSON summary to FILE' })
        .option('json', { type: 'boolean', default: false, describe: 'print only the JSON summary on stdout' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'list the planned runs and their seeds; run nothing' })
        .option('verbose', { type: 'boolean', default: false, describe: "also print each run's own log lines" })
        .option('merge', { type: 'string', array: true, describe: 'join the summaries found in these folders (or summary.json files) into one table and JUnit file' })
        .strictOptions() as unknown as Argv<TortureArgs>,
    handler: async (args) => {
      const out = statusOutput(args.json ? process.stderr : process.stdout);
      const summary = args.merge !== undefined ? await merge(args, out) : await torture(args, await environment(), out);
      if (summary === undefined) return; // dry run
      await finish(summary, args, out);
      setExit(sessionExitCode(summary.runs));
    },
  };
}

async function torture(args: TortureArgs, env: RunEnvironment, out: StatusOutput): Promise<TortureSummary | undefined> {
  const { seed, shape, plan, resolved } = args.test !== undefined ? await planTestFiles(args.test, testFilesFlags(args), seedOf(args), env) : await planFromMatrix(args, env);
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  const mine = shardRuns(resolved.map((r) => ({ ...r, index: r.planned.index })), shard);
  if (args.junit !== undefined) await checkWritable(args.junit);
  const replay = sessionReplay(args, seed, shard);
  const print = out.print;
  for (const e of plan.excluded) print(`left out: ${e.name} (${e.reason})`);
  if (args['dry-run']) {
    print(`faultline torture: ${describeSlice(mine.length, plan.runs.length, shard)}, seed ${seed}`);
    for (const r of mine) print(`  ${String(r.planned.index).padStart(3)}  ${r.planned.id}  seed ${r.spec.seed}`);
    return undefined;
  }
  const started = new Date();
  print(`faultline torture: ${describeSlice(mine.length, plan.runs.length, shard)}, seed ${seed}`);
  print(`replay the session: ${replay}`);

  const controller = new AbortController();
  const release = interceptSignals((sig) => {
    print(`${sig}: stopping this run (heal, tear down, check what it recorded) and skipping the rest (again to force)`);
    controller.abort();
  });
  let outcome;
  try {
    outcome = await runSession({ runs: mine, storeRoot: args.store, failFast: args['fail-fast'], signal: controller.signal, out, verbose: args.verbose });
  } finally {
    release();
  }
  return {
    kind: 'faultline-torture',
    version: 1,
    seed,
    sessionId: sessionId(shape, seed),
    matrix: shape,
    shard: shard ?? null,
    store: args.store,
    total: plan.runs.length,
    excluded: [...plan.excluded],
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    ...(outcome.stopped ? { stopped: outcome.stopped } : {}),
    replay,
    runs: outcome.runs,
  };
}

/** The session's runs from a matrix (a file and/or --db, --workload, --nemesis…), every one checked before any starts. */
async function planFromMatrix(args: TortureArgs, env: RunEnvironment): Promise<SessionPlan> {
  const known: KnownNames = { databases: env.databases.names(), workloads: workloadNames(), nemeses: nemesisNames() };
  const fromFile = args.matrix === undefined ? {} : await readMatrixFile(args.matrix, known);
  const matrix = completeMatrix(fromFile, flagsInput(args, known), { databases: ['etcd'], workloads: ['register'] });
  const { seed: fileSeed, ...shape } = matrix;
  const seed = seedOf(args) ?? fileSeed ?? randomSeed();
  const plan = planMatrix(shape, seed, unrunnable(env, shape.run));
  if (plan.runs.length === 0) {
    throw new InputError(`the matrix has no combination that can run${plan.excluded.length ? `: ${plan.excluded.map((e) => `${e.name} (${e.reason})`).join('; ')}` : ''}`);
  }
  // Every run of the whole matrix is checked before any starts, so each shard fails alike on bad input.
  const resolved: SessionRun[] = plan.runs.map((planned) => {
    try {
      return { planned, ...resolveSpec(plannedSpec(planned, shape.run), env) };
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`run ${planned.id}: ${err.message}`);
      throw err;
    }
  });
  return { seed, shape, plan, resolved };
}

function seedOf(args: TortureArgs): number | undefined {
  return args.seed === undefined ? undefined : parseSeed(args.seed);
}

/** With --test, the flags that still shape the matrix (the files name their databases and workloads). */
function testFilesFlags(args: TortureArgs): MatrixInput {
  for (const flag of ['matrix', 'db', 'workload'] as const) {
    if (args[flag] !== undefined) throw new InputError(`--${flag} cannot be given with --test: each test file names its database and workload`);
  }
  return flagsInput(args, { databases: [], workloads: [], nemeses: nemesisNames() });
}

function describeSlice(mine: number, total: number, shard: Shard | undefined): string {
  return shard ? `${mine} of ${total} runs (shard ${shard.index}/${shard.count})` : `${total} run${total === 1 ? '' : 's'}`;
}

/** Prints the table and the failing runs; writes summary.json (and --summary, --junit). */
async function finish(summary: TortureSummary, args: TortureArgs, out: StatusOutput): Promise<void> {
  const print = out.print;
  const files: string[] = [];
  if (args.merge === undefined) {
    const dir = join(summary.store, 'torture', `${runTimestamp(new Date(summary.startedAt))}${summary.shard ? `-shard-${summary.shard.index}-of-${summary.shard.count}` : ''}`);
    await mkdir(dir, { recursive: true });
    files.push(join(dir, 'summary.json'));
  }
  if (args.summary !== undefined) files.push(args.summary);
  for (const f of files) {
    try {
      await writeFile(f, `${JSON.stringify(summary, null, 2)}\n`);
    } catch (err) {
      throw new InputError(`cannot write the summary: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, f);
    }
  }
  print();
  print(renderTable(summary.runs));
  print();
  print(`${countsLine(summary.runs)}${summary.stopped ? ` (stopped: ${summary.stopped})` : ''}${summary.shard ? ` in shard ${summary.shard.index}/${summary.shard.count}` : ''}, seed ${summary.seed}`);
  const failing = failingLines(summary.runs);
  if (failing.length > 0) {
    print('not valid:');
    for (const l of failing) print(`  ${l}`);
  }
  for (const f of files) print(`summary: ${displayPath(f)}`);
  if (args.junit !== undefined) {
    await writeJUnit(args.junit, summary.runs.map((r) => junitSuite(runSubjectOf(r))));
    print(`junit: ${args.junit}`);
  }
  if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

async function merge(args: TortureArgs, out: StatusOutput): Promise<TortureSummary> {
  const given = MATRIX_FLAGS.filter((f) => args[f] !== undefined);
  for (const f of ['seed', 'shard'] as const) if (args[f] !== undefined) given.push(f as never);
  if (given.length > 0) throw new InputError(`--merge joins finished summaries and takes no matrix flags (got ${given.map((f) => `--${f}`).join(', ')})`);
  if (args.merge!.length === 0) throw new InputError('--merge needs at least one folder or summary.json');
  const found: { file: string; summary: TortureSummary }[] = [];
  for (const path of args.merge!) {
    const files = await summaryFiles(path);
    for (const file of files) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new InputError(`expected a torture summary (JSON): ${(err as Error).message}`, file);
      }
      if (isTortureSummary(parsed)) found.push({ file, summary: parsed });
      else if (files.length === 1 && path === file) throw new InputError('not a faultline torture summary (no "kind": "faultline-torture")', file);
    }
  }
  if (args.junit !== undefined) await checkWritable(args.junit);
  const merged = mergeSummaries(found);
  out.print(`merged ${found.length} summar${found.length === 1 ? 'y' : 'ies'}: ${found.map((f) => displayPath(f.file)).join(', ')}`);
  return merged;
}

/** `summary.json` files at or under `path` (CI artifact downloads nest them in folders). */
async function summaryFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError('no such file or folder', path);
  if (info.isFile()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name === 'summary.json')
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The matrix as the flags give it (names checked against the registries). */
function flagsInput(args: TortureArgs, known: KnownNames): MatrixInput {
  const list = (flag: 'db' | 'workload', names: readonly string[]) => {
    const items = (args[flag] ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    for (const n of items) if (!names.includes(n)) throw new InputError(`--${flag}: unknown ${flag === 'db' ? 'database' : 'workload'} ${JSON.stringify(n)}; expected one of ${names.join(', ') || '(none in this build)'}`);
    return items.length === 0 ? undefined : [...new Set(items)].map((n) => variant(n));
  };
  const input: MatrixInput = {};
  const databases = list('db', known.databases);
  if (databases) input.databases = databases;
  const workloads = list('workload', known.workloads);
  if (workloads) input.workloads = workloads;
  if (args.nemesis !== undefined) {
    const combos = args.nemesis.map((v) => [...new Set(parseFaults(v))].sort());
    for (const f of combos.flat()) if (!known.nemeses.includes(faultName(f))) throw new InputError(`--nemesis: unknown nemesis ${JSON.stringify(faultName(f))}; expected one of ${known.nemeses.join(', ') || '(none in this build)'}`);
    input.nemesis = combos.filter((c, i) => combos.findIndex((d) => d.join() === c.join()) === i);
  }
  if (args.seeds !== undefined) {
    if (!Number.isInteger(args.seeds) || args.seeds < 1) throw new InputError(`--seeds must be an integer >= 1 (got ${args.seeds})`);
    input.seeds = args.seeds;
  }
  const run: Record<string, unknown> = {};
  const setting = (flag: keyof TortureArgs, field: string) => {
    if (args[flag] !== undefined) run[field] = args[flag];
  };
  setting('nodes', 'nodes');
  setting('concurrency', 'concurrency');
  setting('rate', 'rate');
  setting('time-limit', 'timeLimit');
  setting('nemesis-interval', 'nemesisInterval');
  setting('recovery', 'recovery');
  setting('isolation', 'isolation');
  if (args.option !== undefined) run.options = parseOptions(args.option);
  input.run = run as Partial<Matrix['run']>;
  return input;
}

/** The command that replays this session (or shard): the matrix flags as given, and the seed. */
function sessionReplay(args: TortureArgs, seed: number, shard: Shard | undefined): string {
  const words = ['npx', 'faultline', 'torture'];
  for (const flag of MATRIX_FLAGS) {
    const v = args[flag];
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) words.push(`--${flag}`, String(one));
  }
  if (args.store !== 'store') words.push('--store', args.store);
  if (args['fail-fast']) words.push('--fail-fast');
  words.push('--seed', String(seed));
  if (shard) words.push('--shard', `${shard.index}/${shard.count}`);
  return words.map(shellWord).join(' ');
}
