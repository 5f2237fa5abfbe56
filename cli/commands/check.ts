import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { usage } from './index.ts';
import { checkHistory, resolveChecker, type HistoryCheckResult } from '../../checkers/check-history.ts';
import { modelNames } from '../../checkers/linearizable/models/index.ts';
import { checkerNames } from '../../checkers/registry.ts';
import { compose, mergeValidity, type Validity } from '../../harness/result.ts';
import { checkReplayCommand } from '../../harness/replay.ts';
import { InputError } from '../../harness/errors.ts';
import { formatNames, readHistoryFile } from '../../harness/importers/read-history.ts';
import type { Op } from '../../harness/history/op.ts';
import type { JUnitSuite } from '../gate/junit.ts';
import { junitSuite, runSubject } from '../gate/junit-cases.ts';
import { exitCodeFor, makePrinter, printAnomalies, verdictText } from '../output.ts';
import type { StoredRun } from '../../harness/store/run-folder.ts';
import type { RunResult } from '../../harness/store/run-result.ts';
import { numberFlag } from '../number-flag.ts';
import { interceptSignals } from '../../harness/shutdown.ts';

interface CheckArgs {
  files: string[];
  checker?: string;
  format?: string;
  junit?: string;
  json: boolean;
  'time-limit'?: number;
  report?: string;
  [option: string]: unknown;
}

/** The JSON object `check --json` prints per file: the library's check() result, with the file. */
export type FileCheckResult = { file: string } & HistoryCheckResult;

export function checkCommand(setExit: (code: number) => void): CommandModule<object, CheckArgs> {
  return {
    ...usage('check'),
    builder: (y: Argv) =>
      y
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'history files, or run folders (store/<test>/<run>/) to re-check with their test\'s checkers' })
        .option('checker', { type: 'string', describe: `for history files, one of: ${checkerNames().join(', ')} (default stats)` })
        .option('format', { type: 'string', describe: `override content detection: ${formatNames().join(', ')}` })
        .option('model', { type: 'string', describe: `model for --checker linearizable: ${modelNames().join(', ')} (default cas-register)` })
        .option('json', { type: 'boolean', default: false, describe: 'print only the result JSON on stdout' })
        .option('time-limit', numberFlag('seconds allowed per file (per checker of a run) for checking; past it the verdict is unknown'))
        .option('report', { type: 'string', describe: 'also write a self-contained HTML report to FILE (one history file only)' })
        .option('junit', { type: 'string', describe: 'also write JUnit XML to FILE: a test case per checker' }) as unknown as Argv<CheckArgs>,
    handler: async (args) => {
      const checker = resolveChecker(args.checker ?? 'stats', checkerOptions(args));
      const print = makePrinter(args.json);
      if (args.junit !== undefined) await (await junit()).checkWritable(args.junit);
      // Parse every file and run folder before checking any, so bad input fails fast with exit 254.
      const inputs: Input[] = [];
      for (const path of args.files) {
        inputs.push((await isDirectory(path)) ? { kind: 'run', run: await (await recheck()).loadStoredRun(path) } : { kind: 'file', file: path, history: await readHistoryFile(path, args.format) });
      }
      if (args.checker !== undefined && inputs.every((i) => i.kind === 'run')) {
        throw new InputError(`--checker applies to history files; a run folder is re-checked with its test's own checkers`);
      }
      if (args.report !== undefined && (inputs.length !== 1 || inputs[0]!.kind !== 'file')) {
        throw new InputError(`--report draws one history file (a run folder's report.html is rewritten in place); got ${args.files.length} ${args.files.length === 1 ? 'run folder' : 'arguments'}`);
      }
      // Ctrl-C stops the search, and what was decided is reported (a second Ctrl-C exits at once).
      const interrupt = new AbortController();
      const stopIntercepting = interceptSignals(() => {
        interrupt.abort();
        process.stderr.write('faultline: interrupted: reporting what was decided so far (Ctrl-C again to quit at once)\n');
      });
      const options: Record<string, unknown> = { ...checkerOptions(args), signal: interrupt.signal };
      const results: (FileCheckResult | RunResult)[] = [];
      const suites: JUnitSuite[] = [];
      let worst: Validity = true;
      for (const input of inputs) {
        if (interrupt.signal.aborted) {
          print(`${input.kind === 'file' ? input.file : input.run.dir}: not checked (interrupted)`);
          worst = mergeValidity(worst, 'unknown');
          continue;
        }
        if (input.kind === 'run') {
          const r = await (await recheck()).recheckRun(input.run, options.timeLimitMs as number | undefined);
          results.push(r);
          suites.push(junitSuite(runSubject(r, input.run.dir)));
          worst = mergeValidity(worst, r.valid);
          printRecheck(input.run.dir, r, print);
          continue;
        }
        const { file, history } = input;
        const r: FileCheckResult = { file, ...(await checkHistory(history, checker, options)) };
        results.push(r);
        suites.push(junitSuite({ name: file, checkers: { [checker.name]: r }, replay: checkReplayCommand(file, checker.name) }));
        worst = mergeValidity(worst, r.valid);
        const against = r.model !== undefined ? ` against ${r.model}` : '';
        const { keys } = r;
        print(`${file}: ${verdictText(r.valid)} (${checker.name}${against}, ${history.length} ops, ${keys} key${keys === 1 ? '' : 's'}, ${r.stats?.checkMs?.toFixed(1)} ms)`);
        if (r.error) print(`  ${r.error}`);
        else if (r.vacuous) print(`  vacuous: ${r.vacuousReason ?? 'nothing could be checked'}`);
        for (const w of r.warnings ?? []) print(`  warning: ${w}`);
        printAnomalies(r.anomalies, print, 10);
      }
      stopIntercepting();
      if (args.report !== undefined) {
        const { file, history } = inputs[0] as Extract<Input, { kind: 'file' }>;
        const { writeReport } = await import('../../reports/write-report.ts');
        const { file: out } = await writeReport({ history, results: compose([results[0] as FileCheckResult]), out: args.report, title: file, replay: checkReplayCommand(file, checker.name) });
        print(`report: ${out}`);
      }
      if (args.junit !== undefined) {
        await (await junit()).writeJUnit(args.junit, suites);
        print(`junit: ${args.junit}`);
      }
      if (args.json) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
      setExit(exitCodeFor(worst));
    },
  };
}

// JUnit (xmlbuilder2), run folders (workloads) and the report (esbuild) load only when asked for.
const junit = () => import('../gate/junit.ts');
const recheck = () => import('../run/recheck.ts');

type Input = { kind: 'file'; file: string; history: Op[] } | { kind: 'run'; run: StoredRun };

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
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

/** Options not consumed by the command itself pass through to the checker, camelCased. */
function checkerOptions(args: CheckArgs): Record<string, unknown> {
  const skip = new Set(['_', '$0', 'files', 'checker', 'format', 'json', 'time-limit', 'timeLimit', 'report', 'junit']);
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (!skip.has(k) && !k.includes('-')) options[k] = v;
  if (args['time-limit'] !== undefined) options.timeLimitMs = args['time-limit'] * 1000;
  return options;
}
