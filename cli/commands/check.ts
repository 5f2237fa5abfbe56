import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { usage } from './index.ts';
import { checkHistory, resolveChecker, type HistoryCheckResult } from '../../checkers/check-history.ts';
import { CHECKER_OPTIONS, optionFlag, type CheckerOptionSpec } from '../../checkers/checker-options.ts';
import { checkerNames, checkers } from '../../checkers/registry.ts';
import type { CheckOptions } from '../../checkers/checker.ts';
import { compose } from '../../harness/result.ts';
import { checkReplayCommand } from '../../harness/replay.ts';
import { EXIT, InputError } from '../../harness/errors.ts';
import { formatNames, readHistory } from '../../harness/importers/read-history.ts';
import { STDIN, sourceName } from '../../harness/importers/text-source.ts';
import type { Op } from '../../harness/history/op.ts';
import type { JUnitSuite } from '../gate/junit.ts';
import { junitSuite, refusedSuite, runSubject } from '../gate/junit-cases.ts';
import { exitCodeFor, makePrinter, printAnomalies, verdictText, worstExitCode } from '../output.ts';
import type { RunResult } from '../../harness/store/run-result.ts';
import { numberFlags, type NumberSpec } from '../number-flag.ts';
import { fromDashWord } from '../strict-flags.ts';
import { interceptSignals } from '../../harness/shutdown.ts';

interface CheckArgs {
  files: string[];
  checker?: string;
  format?: string;
  'completion-only'?: boolean;
  junit?: string;
  json: boolean;
  'time-limit'?: number;
  report?: string;
  [option: string]: unknown;
}

/** The JSON object `check --json` prints per file: the library's check() result, with the file. */
export type FileCheckResult = { file: string } & HistoryCheckResult;

/**
 * A file or run folder that could not be checked (unreadable, malformed, of the wrong shape):
 * `valid: 'refused'`, the error naming the file and line. The other files are still checked.
 */
export interface RefusedInput {
  file: string;
  valid: 'refused';
  error: string;
  line?: number;
}

type Outcome = FileCheckResult | RunResult | RefusedInput;

export function checkCommand(setExit: (code: number) => void): CommandModule<object, CheckArgs> {
  return {
    ...usage('check'),
    builder: (y: Argv) => declareCheckerOptions(
      y
        .positional('files', { type: 'string', array: true, demandOption: true, describe: `history files (${STDIN} reads standard input), or run folders (store/<test>/<run>/) to re-check with their test's checkers` })
        .option('checker', { type: 'string', describe: `for history files, one of: ${checkerNames().join(', ')} (default stats)` })
        .option('format', { type: 'string', describe: `override content detection: ${formatNames().join(', ')}` })
        .option('completion-only', { type: 'boolean', describe: 'the history holds only completions (no invocations): read each as invoked right before it, in file order' })
        .option('json', { type: 'boolean', default: false, describe: 'print only the result JSON on stdout' })
        .option('report', { type: 'string', describe: 'also write a self-contained HTML report to FILE (one history file only)' })
        .option('junit', { type: 'string', describe: 'also write JUnit XML to FILE: a test case per checker' }),
    ) as unknown as Argv<CheckArgs>,
    handler: async (args) => {
      const options = checkerOptions(args);
      const checker = resolveChecker(args.checker ?? 'stats', options);
      const print = makePrinter(args.json);
      const files = args.files.map(fromDashWord);
      // Outputs that could not be written, or would overwrite an input, are refused before any checking.
      if (args.junit !== undefined) await (await junit()).checkWritable(args.junit, files);
      if (args.report !== undefined) await (await report()).checkReportPath(args.report, files);
      const inputs = await classify(files);
      if (args.checker !== undefined && inputs.every((i) => i.kind === 'run')) {
        throw new InputError(`--checker applies to history files; a run folder is re-checked with its test's own checkers`);
      }
      if (args.report !== undefined && (inputs.length !== 1 || inputs[0]!.kind !== 'file')) {
        throw new InputError(`--report draws one history file (a run folder's report.html is rewritten in place); got ${files.length} ${files.length === 1 ? 'run folder' : 'arguments'}`);
      }
      const read = { format: args.format, completionOnly: args['completion-only'] };
      // Ctrl-C stops the search, and what was decided is reported (a second Ctrl-C exits at once).
      const interrupt = new AbortController();
      const stopIntercepting = interceptSignals(() => {
        interrupt.abort();
        process.stderr.write('faultline: interrupted: reporting what was decided so far (Ctrl-C again to quit at once)\n');
      });
      const checking: CheckOptions = { ...options, signal: interrupt.signal };
      // Every flag that decided a verdict, so the report's and JUnit's replay line gives it again.
      const replay = (file: string) => checkReplayCommand(file, checker.name, { format: args.format, completionOnly: args['completion-only'], options });
      const results: Outcome[] = [];
      const suites: JUnitSuite[] = [];
      const codes: number[] = [];
      // One file at a time: a refused file gets its own result and the others are still checked.
      let reported: Op[] | undefined;
      for (const input of inputs) {
        if (interrupt.signal.aborted) {
          print(`${sourceName(input.path)}: not checked (interrupted)`);
          codes.push(EXIT.unknown);
          continue;
        }
        try {
          if (input.kind === 'run') {
            const { loadStoredRun, recheckRun } = await recheck();
            const r = await recheckRun(await loadStoredRun(input.path), options.timeLimitMs);
            results.push(r);
            suites.push(junitSuite(runSubject(r, input.path)));
            codes.push(exitCodeFor(r.valid));
            printRecheck(input.path, r, print);
            continue;
          }
          const name = sourceName(input.path);
          const { ops: history, notes } = await readHistory(input.path, read);
          const r: FileCheckResult = { file: input.path, ...(await checkHistory(history, checker, checking)) };
          if (args.report !== undefined) reported = history;
          results.push(r);
          suites.push(junitSuite({ name, checkers: { [checker.name]: r }, replay: replay(input.path) }));
          // With --junit, check is a gate: a vacuous pass is unknown there, as in run and torture.
          codes.push(exitCodeFor(args.junit !== undefined && r.vacuous === true && r.valid === true ? 'unknown' : r.valid));
          const against = r.model !== undefined ? ` against ${r.model}` : '';
          const { keys } = r;
          print(`${name}: ${verdictText(r.valid)} (${checker.name}${against}, ${history.length} ops, ${keys} key${keys === 1 ? '' : 's'}, ${r.stats?.checkMs?.toFixed(1)} ms)`);
          for (const note of notes) print(`  note: ${note}`);
          if (r.error) print(`  ${r.error}`);
          else if (r.vacuous) print(`  vacuous: ${r.vacuousReason ?? 'nothing could be checked'}`);
          for (const w of r.warnings ?? []) print(`  warning: ${w}`);
          printAnomalies(r.anomalies, print, 10);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          results.push({ file: input.path, valid: 'refused', error: err.message, ...(err.line === undefined ? {} : { line: err.line }) });
          suites.push(refusedSuite(sourceName(input.path), input.kind === 'run' ? 'recheck' : checker.name, err.message));
          codes.push(EXIT.badInput);
          process.stderr.write(`faultline: ${err.message}\n`);
        }
      }
      stopIntercepting();
      if (args.report !== undefined && reported !== undefined) {
        const file = files[0]!;
        const { writeReport } = await report();
        const { file: out } = await writeReport({ history: reported, results: compose([results[0] as FileCheckResult]), out: args.report, title: sourceName(file), replay: replay(file) });
        print(`report: ${out}`);
      }
      if (args.junit !== undefined) {
        await (await junit()).writeJUnit(args.junit, suites);
        print(`junit: ${args.junit}`);
      }
      if (args.json) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
      setExit(worstExitCode(codes));
    },
  };
}

// JUnit (xmlbuilder2), run folders (workloads) and the report (esbuild) load only when asked for.
const junit = () => import('../gate/junit.ts');
const recheck = () => import('../run/recheck.ts');
const report = () => import('../../reports/write-report.ts');

type Input = { kind: 'file' | 'run'; path: string };

/** Each argument as a history file (or standard input) or a run folder. */
async function classify(paths: readonly string[]): Promise<Input[]> {
  if (paths.filter((p) => p === STDIN).length > 1) throw new InputError(`standard input (${STDIN}) can be read once; it was named ${paths.filter((p) => p === STDIN).length} times`);
  const inputs: Input[] = [];
  for (const path of paths) {
    if (path === '') throw new InputError('an empty file name; expected a history file, a run folder or - (standard input)');
    const dir = path !== STDIN && (await stat(path).catch(() => undefined))?.isDirectory() === true;
    inputs.push({ kind: dir ? 'run' : 'file', path });
  }
  return inputs;
}

function printRecheck(dir: string, r: RunResult, print: (line?: string) => void): void {
  const was = r.previous === undefined ? 'never checked' : `was ${verdictText(r.previous.valid)}`;
  print(`${dir}: ${verdictText(r.valid)} (re-checked ${r.test}: ${Object.keys(r.checkers).join(', ') || 'no checkers'}; ${was})`);
  for (const [name, c] of Object.entries(r.checkers)) {
    if (c.valid === true) continue;
    print(`  ${name}: ${verdictText(c.valid)}${c.error ? ` (${c.error})` : ''}`);
    printAnomalies(c.anomalies, print, 5);
  }
  for (const reason of r.incomplete) print(`  not a pass: ${reason}`);
  print(`  rewrote ${join(dir, 'results.json')} and report.html`);
}

/**
 * The checkers' options as flags of their own (checkers/checker-options.ts), in a group of
 * their own in `--help`: declared, so a typo is refused and `--per-key false` is false. Numbers
 * and the time limit are checked (a value, a number, in range) before anything is read.
 */
function declareCheckerOptions(y: Argv): Argv {
  const numbers: Record<string, NumberSpec> = { 'time-limit': { describe: 'seconds allowed per file (per checker of a run) for checking, or 500ms, 2m…; past it the verdict is unknown', seconds: true, above: 0 } };
  let out = y;
  for (const [name, spec] of Object.entries(CHECKER_OPTIONS) as [string, CheckerOptionSpec][]) {
    const flag = optionFlag(name);
    const readers = checkers.all().filter((c) => c.options?.includes(name)).map((c) => c.name);
    const describe = `${readers.length > 0 ? `${readers.join(', ')}: ` : ''}${spec.describe}`;
    if (spec.type === 'number') numbers[flag] = { ...spec, describe };
    else out = out.option(flag, { type: spec.type, describe });
  }
  out = numberFlags(out, numbers);
  return out.group(Object.keys(CHECKER_OPTIONS).map(optionFlag), 'Checker options:');
}

/** The options given for the checker: each declared checker option that was set, and the time limit in ms. */
function checkerOptions(args: CheckArgs): CheckOptions {
  const options: CheckOptions = {};
  for (const name of Object.keys(CHECKER_OPTIONS)) {
    const value = args[optionFlag(name)];
    // A repeated flag: the last one wins, as for every flag.
    if (value !== undefined) options[name] = Array.isArray(value) ? value.at(-1) : value;
  }
  if (args['time-limit'] !== undefined) options.timeLimitMs = args['time-limit'] * 1000;
  return options;
}
