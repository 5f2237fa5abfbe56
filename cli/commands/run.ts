import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { usage } from './index.ts';
import { getNemesis, nemeses as nemesisRegistry, nemesisNames } from '../../nemesis/registry.ts';
import type { NemesisFactory } from '../../harness/nemesis.ts';
import { parseNemesisArg } from '../../harness/nemesis-arg.ts';
import { workloadNames, workloads } from '../../workloads/registry.ts';
import { checkerUseProblems, clientFactory, defaultNodes, nodeCountProblem, type Workload } from '../../workloads/workload.ts';
import type { Backend } from '../../harness/backend.ts';
import type { FullDatabase } from '../../harness/database.ts';
import { databaseNames } from '../../docker/databases.ts';
import { CONSISTENCY_MODELS, parseConsistencyModel } from '../../checkers/elle/models.ts';
import { EXIT, InputError, errorText, isInputError } from '../../harness/errors.ts';
import type { TestDefinition } from '../../api/define.ts';
import { loadTestFile, withTest, type LoadedTest } from '../run/test-file.ts';
import { checkWritable, writeJUnit } from '../gate/junit.ts';
import { junitSuite, runSubject } from '../gate/junit-cases.ts';
import { exitCodeFor, printAnomalies, verdictText } from '../output.ts';
import { checkSeed, randomSeed } from '../../harness/random.ts';
import { defaultEnvironment, type RunEnvironment } from '../run/environment.ts';
import { interceptSignals } from '../../harness/shutdown.ts';
import { RunProgress } from '../run/progress.ts';
import { statusOutput } from '../run/status-line.ts';
import { defaultTestName } from '../../harness/replay.ts';
import type { RunResult } from '../../harness/store/run-result.ts';
import { runTest, type RunOutcome } from '../run/run-test.ts';
import type { FaultAvailability } from '../../harness/faults/availability.ts';
import { checkTestName } from '../../harness/store/store.ts';
import { TEST_DEFAULTS, type TestSpec } from '../../harness/test-spec.ts';
import { numberFlag } from '../number-flag.ts';

/** `faultline run`'s flags, as yargs parses them (torture builds them for each of its runs). */
export interface RunArgs {
  /** A test file: its default export gives the database, the workload and settings (flags win). */
  test?: string;
  db?: string;
  workload?: string;
  nodes?: number;
  concurrency?: number;
  rate?: number;
  'time-limit'?: number;
  nemesis?: string;
  'nemesis-interval'?: number;
  recovery?: number;
  seed?: string;
  isolation?: string;
  'consistency-model'?: string;
  'read-consistency'?: string;
  store: string;
  name?: string;
  option: string[];
  json: boolean;
  junit?: string;
}

const ISOLATION = ['read-committed', 'repeatable-read', 'serializable'] as const;
/** What `run` tests when neither flags nor a test file say. */
const DEFAULT_DB = 'etcd';
const DEFAULT_WORKLOAD = 'register';
const READ_CONSISTENCY = ['linearizable', 'serializable'] as const;

const none = (names: string[]) => (names.length === 0 ? '(none in this build)' : names.join(', '));

export function runCommand(setExit: (code: number) => void, environment: () => Promise<RunEnvironment> = defaultEnvironment): CommandModule<object, RunArgs> {
  return {
    ...usage('run'),
    builder: (y: Argv) =>
      y
        .option('test', { type: 'string', describe: 'a test file (.ts, .js, .mjs) whose default export (defineTest) gives the database, workload and settings; flags given too win over it' })
        .option('db', { type: 'string', describe: `database under test (default ${DEFAULT_DB}): ${none(databaseNames())}` })
        .option('workload', { type: 'string', describe: `what clients do (default ${DEFAULT_WORKLOAD}): ${none(workloadNames())}` })
        .option('nodes', numberFlag(`database nodes (containers n1…nN); default ${TEST_DEFAULTS.nodes}, or what the workload needs (1 for single-server SQL workloads)`))
        .option('concurrency', numberFlag(`client workers (default ${TEST_DEFAULTS.concurrency})`))
        .option('rate', numberFlag(`target total ops per second (0: as fast as the workers go; default ${TEST_DEFAULTS.rate})`))
        .option('time-limit', numberFlag(`seconds of workload (default ${TEST_DEFAULTS.timeLimit})`))
        .option('nemesis', { type: 'string', describe: `comma-separated faults, each NAME or NAME:VARIANT+VARIANT: ${nemesisHelp()}` })
        .option('nemesis-interval', numberFlag(`mean seconds between one fault class's transitions (each wait 0.5–1.5 × this; default ${TEST_DEFAULTS.nemesisInterval})`))
        .option('recovery', numberFlag(`seconds after the final heal before final operations (default ${TEST_DEFAULTS.recovery})`))
        .option('seed', { type: 'string', describe: 'seed for every random choice (default: a fresh one, printed)' })
        .option('read-consistency', { type: 'string', describe: `reads of key-value workloads: ${READ_CONSISTENCY.join(', ')} (etcd serializable = member-local, possibly stale); sets --option readConsistency` })
        .option('isolation', { type: 'string', describe: `isolation level for databases that have them: ${ISOLATION.join(', ')}` })
        .option('consistency-model', { type: 'string', describe: `what transactional checkers judge against (default strict-serializable): ${CONSISTENCY_MODELS.join(', ')}` })
        .option('store', { type: 'string', default: 'store', describe: 'where run folders go' })
        .option('name', { type: 'string', describe: 'test name (store folder); default <db>-<workload>' })
        .option('option', { type: 'string', array: true, default: [], describe: 'workload option key=value (value as JSON), repeatable' })
        .option('json', { type: 'boolean', default: false, describe: 'print only the result JSON on stdout' })
        .option('junit', { type: 'string', describe: 'also write JUnit XML to FILE: a test case per checker, and one for the run' })
        .strictOptions() as unknown as Argv<RunArgs>,
    handler: async (args) => {
      const builtIn = await environment();
      const test = args.test === undefined ? undefined : await loadTestFile(lastOf(args.test), builtIn);
      const { spec, deps } = resolveRun(args, test ? withTest(builtIn, test) : builtIn, test);
      if (args.junit !== undefined) await checkWritable(args.junit);
      const out = statusOutput(args.json ? process.stderr : process.stdout);
      const print = out.print;
      print(`faultline run: ${spec.name} on ${spec.nodes} ${spec.db} nodes, seed ${spec.seed}`);

      const controller = new AbortController();
      // The first Ctrl-C stops the run gracefully (heal, copy logs, tear down, check the prefix);
      // a second one runs the shutdown hooks and exits (harness/shutdown.ts).
      const release = interceptSignals((sig) => {
        print(`${sig}: stopping the workload, healing faults and removing the cluster (again to force)`);
        controller.abort();
      });
      const progress = new RunProgress(spec.timeLimit);
      out.start(() => progress.status(!out.live));
      let outcome;
      try {
        outcome = await runTest(spec, { ...deps, storeRoot: args.store, print, signal: controller.signal, observer: progress });
      } finally {
        out.stop();
        release();
      }
      printSummary(outcome.result, print);
      if (args.junit !== undefined) {
        await writeJUnit(args.junit, [junitSuite(runSubject(outcome.result))]);
        print(`junit: ${args.junit}`);
      }
      if (args.json) process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
      if (outcome.error !== undefined) process.stderr.write(`faultline: the run failed${failureText(outcome.error, outcome.result, spec.testFile)}\n`);
      setExit(runExitCode(outcome));
    },
  };
}

/** Why a run failed, for its last line: bad input as the message alone, with the test file that made it. */
function failureText(error: unknown, result: RunResult, testFile: string | undefined): string {
  if (!isInputError(error)) return `: ${result.error}`;
  return `${testFile === undefined ? '' : ` (${testFile})`}: ${error.message}`;
}

/** The exit code of one run: its verdict, unless it could not finish (254 for bad input, else 255). */
export function runExitCode(outcome: RunOutcome): number {
  if (outcome.error === undefined) return exitCodeFor(outcome.result.valid);
  return isInputError(outcome.error) ? EXIT.badInput : EXIT.crash;
}

/** A test spec and the parts that run it. */
export interface ResolvedRun {
  spec: TestSpec;
  deps: { backend: Backend; db: FullDatabase; workload: Workload; nemeses: NemesisFactory[] };
}

/**
 * Turns flags (and a test file's definition, which flags override) into a test spec and its
 * parts, or an InputError naming the flag and the choices.
 */
export function resolveRun(given: RunArgs, env: RunEnvironment, test?: LoadedTest): ResolvedRun {
  // A flag given twice: the last one wins, as in most CLIs (yargs would make it an array).
  const args = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, Array.isArray(v) && k !== 'option' && k !== '_' ? v.at(-1) : v])) as RunArgs;
  if (test && (args.db !== undefined || args.workload !== undefined)) throw new InputError(`--${args.db !== undefined ? 'db' : 'workload'} cannot be given with --test: the test file names its database and workload`);
  const file: Partial<TestDefinition> = test?.definition ?? {};
  const db = test?.database.name ?? args.db ?? DEFAULT_DB;
  const workloadName = test?.workload.name ?? args.workload ?? DEFAULT_WORKLOAD;
  const workload = (env.workloads ?? workloads).get(workloadName);
  const nemesisText = args.nemesis ?? (typeof file.nemesis === 'string' ? file.nemesis : (file.nemesis ?? []).join(','));
  const { names: nemesis, variants: nemesisVariants } = parseNemesisArg(nemesisText);
  const options = { ...file.options, ...parseOptions(args.option) };
  if (args['read-consistency'] !== undefined) {
    if (!(READ_CONSISTENCY as readonly string[]).includes(args['read-consistency'])) {
      throw new InputError(`--read-consistency must be one of ${READ_CONSISTENCY.join(', ')} (got ${JSON.stringify(args['read-consistency'])})`);
    }
    options.readConsistency = args['read-consistency'];
  }
  const isolation = args.isolation ?? file.isolation;
  const consistencyModel = args['consistency-model'] ?? file.consistencyModel;
  const spec: TestSpec = {
    name: args.name ?? file.name ?? defaultTestName({ db, workload: workloadName }),
    db,
    workload: workloadName,
    nodes: args.nodes ?? file.nodes ?? (workload ? defaultNodes(workload) : TEST_DEFAULTS.nodes),
    concurrency: args.concurrency ?? file.concurrency ?? TEST_DEFAULTS.concurrency,
    rate: args.rate ?? file.rate ?? TEST_DEFAULTS.rate,
    timeLimit: args['time-limit'] ?? file.timeLimit ?? TEST_DEFAULTS.timeLimit,
    nemesis,
    ...(Object.keys(nemesisVariants).length === 0 ? {} : { nemesisVariants }),
    nemesisInterval: args['nemesis-interval'] ?? file.nemesisInterval ?? TEST_DEFAULTS.nemesisInterval,
    recovery: args.recovery ?? file.recovery ?? TEST_DEFAULTS.recovery,
    seed: args.seed !== undefined ? parseSeed(args.seed) : (file.seed ?? randomSeed()),
    ...(isolation === undefined ? {} : { isolation: isolation as TestSpec['isolation'] }),
    ...(consistencyModel === undefined ? {} : { consistencyModel }),
    options,
    ...(test ? { testFile: test.file } : {}),
  };
  return resolveSpec(spec, env);
}

/**
 * Checks a test spec — from flags, a torture matrix or test.json — against this build and
 * machine, and finds the parts that run it: the database, the workload and its client for that
 * database, the fault classes. Every problem is an InputError named after the flag that sets it.
 */
export function resolveSpec(given: TestSpec, env: RunEnvironment): ResolvedRun {
  const db = env.databases.require(given.db).create();
  const workload = (env.workloads ?? workloads).require(given.workload);
  if (!clientFactory(workload, db)) {
    const supported = env.databases.all().filter((d) => clientFactory(workload, d.create())).map((d) => d.name);
    throw new InputError(`the ${workload.name} workload has no client for ${db.name}; databases with one: ${none(supported)}${workload.needs ? `; a database gets one by offering ${workload.needs}` : ''}`);
  }
  const int = (flag: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new InputError(`--${flag} must be an integer >= ${min} (got ${Number.isNaN(v) ? 'not a number' : v})`);
  };
  const num = (flag: string, v: number, min: number, minAllowed: boolean) => {
    if (!Number.isFinite(v) || v < min || (!minAllowed && v === min)) {
      throw new InputError(`--${flag} must be a number ${minAllowed ? '>=' : '>'} ${min} (got ${Number.isNaN(v) ? 'not a number' : v})`);
    }
  };
  int('nodes', given.nodes, 1);
  const nodeProblem = nodeCountProblem(workload, given.nodes);
  if (nodeProblem) throw new InputError(`--nodes: ${nodeProblem}`);
  const nemeses = given.nemesis.map((name) => {
    const f = nemesisRegistry.require(name);
    const known = Object.keys(f.variants ?? {});
    for (const v of given.nemesisVariants?.[name] ?? []) {
      if (!known.includes(v)) throw new InputError(`--nemesis ${name}: unknown variant ${JSON.stringify(v)}; ${known.length === 0 ? `${name} has no variants` : `expected one of ${known.join(', ')}`}`);
    }
    return f;
  });
  if (new Set(given.nemesis).size !== given.nemesis.length) throw new InputError(`--nemesis names a fault class twice: ${given.nemesis.join(',')}`);
  // Options named after the database (`etcdStartTimeoutMs`) are the database's; the rest the workload's.
  const workloadOptions = Object.fromEntries(Object.entries(given.options).filter(([k]) => !k.startsWith(db.name)));
  const problems = workload.checkOptions?.(workloadOptions) ?? [];
  if (problems.length > 0) throw new InputError(`--option: ${problems.join('; ')}`);
  checkSeed(given.seed);
  if (given.isolation !== undefined && !(ISOLATION as readonly string[]).includes(given.isolation)) {
    throw new InputError(`--isolation must be one of ${ISOLATION.join(', ')} (got ${JSON.stringify(given.isolation)})`);
  }
  const consistencyModel = given.consistencyModel === undefined ? undefined : parseConsistencyModel(given.consistencyModel);
  checkTestName(given.name);
  int('concurrency', given.concurrency, 1);
  num('rate', given.rate, 0, true);
  num('time-limit', given.timeLimit, 0, false);
  num('nemesis-interval', given.nemesisInterval, 0, false);
  num('recovery', given.recovery, 0, true);
  const { consistencyModel: _, ...rest } = given;
  const spec: TestSpec = { ...rest, db: db.name, workload: workload.name, ...(consistencyModel === undefined ? {} : { consistencyModel }) };
  for (const f of nemeses) {
    const why = f.unsupported?.(db, spec, spec.nemesisVariants?.[f.name] ?? []);
    if (why) throw new InputError(`--nemesis ${f.name} cannot run against ${db.name}: ${why}`);
  }
  // A test file's workload is user code: what it asks to be checked with is checked here, before any container starts.
  let uses: unknown;
  try {
    uses = workload.checkers(spec);
  } catch (err) {
    throw new InputError(`the ${workload.name} workload's checkers(test) threw: ${errorText(err, { name: false })}`);
  }
  const useProblems = checkerUseProblems(uses);
  if (useProblems.length > 0) throw new InputError(`the ${workload.name} workload: ${useProblems.join('; ')}`);
  return { spec, deps: { backend: env.backend, db, workload, nemeses } };
}

/** A string flag given twice is an array to yargs; the last one wins. */
function lastOf(v: string | string[]): string {
  return Array.isArray(v) ? v.at(-1)! : v;
}

function nemesisHelp(): string {
  const names = nemesisNames();
  if (names.length === 0) return '(none in this build)';
  return names.map((n) => {
    const v = Object.keys(getNemesis(n)?.variants ?? {});
    return v.length === 0 ? n : `${n}[:${v.join('|')}]`;
  }).join(', ');
}

export function parseSeed(s: string): number {
  if (!/^\d+$/.test(s.trim())) throw new InputError(`--seed must be a non-negative integer (got ${JSON.stringify(s)})`);
  const n = Number(s);
  checkSeed(n);
  return n;
}

/** `key=value` pairs; the value is JSON when it parses (numbers, booleans), else a string. */
export function parseOptions(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new InputError(`--option expects key=value (got ${JSON.stringify(p)})`);
    const raw = p.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // A bare word is a string.
    }
    out[p.slice(0, eq)] = value;
  }
  return out;
}

function printSummary(r: RunResult, print: (line?: string) => void): void {
  print();
  print(`${verdictText(r.valid)}  ${r.test}: ${r.ops.ok} ok, ${r.ops.fail} fail, ${r.ops.info} info in ${(r.durationMs / 1000).toFixed(1)} s${r.interrupted ? ' (interrupted)' : ''}`);
  for (const [name, c] of Object.entries(r.checkers)) {
    print(`  ${name}: ${verdictText(c.valid)}${c.error ? ` (${c.error})` : ''}`);
    printAnomalies(c.anomalies, print, 5, '    ');
  }
  for (const s of r.skipped) print(`  ${s.checker}: skipped (${s.reason})`);
  if (r.availability?.length) {
    print('  availability per fault window:');
    for (const a of r.availability.slice(0, 12)) print(`    ${describeAvailability(a)}`);
    if (r.availability.length > 12) print(`    … and ${r.availability.length - 12} more (results.json, report.html)`);
  }
  for (const reason of r.incomplete) print(`  not a pass: ${reason}`);
  const dir = relative(process.cwd(), r.dir) || '.';
  print(`run folder: ${dir}`);
  if (existsSync(join(r.dir, 'report.html'))) print(`report: ${join(dir, 'report.html')}`);
  if (r.valid !== true) print(`replay: ${r.replay}`);
}

function describeAvailability(a: FaultAvailability): string {
  const s = (ns: number) => (ns / 1e9).toFixed(1);
  const total = a.ok + a.fail + a.info;
  const pct = total === 0 ? 'no ops' : `${Math.round((100 * a.ok) / total)}% ok`;
  const heal = a.healToFirstOkMs === undefined ? '' : `, heal→first ok ${Math.round(a.healToFirstOkMs)} ms`;
  return `${a.fault.padEnd(9)} ${s(a.start)}–${s(a.end)} s: ${a.ok} ok, ${a.fail} fail, ${a.info} info (${pct}), longest gap ${Math.round(a.longestGapMs)} ms${heal}`;
}
