import type { Argv, CommandModule } from 'yargs';
import { checkSafe } from '../../checkers/check-safe.ts';
import { modelNames } from '../../checkers/linearizable/models/index.ts';
import { checkerNames, getChecker } from '../../checkers/registry.ts';
import { compose, mergeValidity, type CheckResult, type Validity } from '../../checkers/result.ts';
import { checkReplayCommand } from '../../reports/replay-command.ts';
import { writeReport } from '../../reports/write-report.ts';
import { InputError } from '../errors.ts';
import { formatNames, readHistoryFile } from '../importers/read-history.ts';
import type { Op } from '../history/op.ts';
import { exitCodeFor, makePrinter, verdictWord } from '../output.ts';

interface CheckArgs {
  files: string[];
  checker: string;
  format?: string;
  json: boolean;
  'time-limit'?: number;
  report?: string;
  [option: string]: unknown;
}

/** The JSON object `check --json` prints per file. */
export interface FileCheckResult extends CheckResult {
  file: string;
  /** The model checked against, for checkers that take one. */
  model?: string;
  /** History entries (invocations and completions). */
  ops: number;
  /** Distinct keys: independent keys, else the keys transactions touch, else 1 for a single object. */
  keys: number;
}

export function checkCommand(setExit: (code: number) => void): CommandModule<object, CheckArgs> {
  return {
    command: 'check <files..>',
    describe: 'check stored histories (faultline JSONL, Jepsen EDN/JSON, Porcupine logs)',
    builder: (y: Argv) =>
      y
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'history files' })
        .option('checker', { type: 'string', default: 'stats', describe: `one of: ${checkerNames().join(', ')}` })
        .option('format', { type: 'string', describe: `override content detection: ${formatNames().join(', ')}` })
        .option('model', { type: 'string', describe: `model for --checker linearizable: ${modelNames().join(', ')} (default cas-register)` })
        .option('json', { type: 'boolean', default: false, describe: 'print only the result JSON on stdout' })
        .option('time-limit', { type: 'number', describe: 'seconds allowed per file for checking; past it the verdict is unknown' })
        .option('report', { type: 'string', describe: 'also write a self-contained HTML report to FILE (one history file only)' }) as unknown as Argv<CheckArgs>,
    handler: async (args) => {
      const checker = getChecker(args.checker);
      if (!checker) throw new InputError(`unknown checker ${JSON.stringify(args.checker)}; expected one of ${checkerNames().join(', ')}`);
      const problem = checker.validateOptions?.(checkerOptions(args));
      if (problem) throw new InputError(problem);
      const print = makePrinter(args.json);
      if (args.report !== undefined && args.files.length !== 1) throw new InputError(`--report draws one history; got ${args.files.length} files`);
      // Parse every file before checking any, so bad input fails fast with exit 254.
      const histories: [string, Op[]][] = [];
      for (const file of args.files) histories.push([file, await readHistoryFile(file, args.format)]);
      const options = checkerOptions(args);
      const results: FileCheckResult[] = [];
      let worst: Validity = true;
      for (const [file, history] of histories) {
        const r = await checkSafe(checker, history, options);
        const keys = countKeys(history);
        const model = typeof r.details?.model === 'string' ? { model: r.details.model } : {};
        const { valid, ...rest } = r;
        results.push({ file, valid, ...model, ops: history.length, keys, ...rest });
        worst = mergeValidity(worst, r.valid);
        const against = 'model' in model ? ` against ${model.model}` : '';
        print(`${file}: ${verdictWord(r.valid)} (${checker.name}${against}, ${history.length} ops, ${keys} key${keys === 1 ? '' : 's'}, ${r.stats?.checkMs?.toFixed(1)} ms)`);
        if (r.error) print(`  ${r.error}`);
        for (const a of r.anomalies.slice(0, 10)) print(`  ${a.type}: ${a.text}`);
        if (r.anomalies.length > 10) print(`  … and ${r.anomalies.length - 10} more anomalies`);
      }
      if (args.report !== undefined) {
        const [file, history] = histories[0]!;
        const { file: out } = await writeReport({ history, results: compose([results[0]!]), out: args.report, title: file, replay: checkReplayCommand(file, checker.name) });
        print(`report: ${out}`);
      }
      if (args.json) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
      setExit(exitCodeFor(worst));
    },
  };
}

/** Options not consumed by the command itself pass through to the checker, camelCased. */
function checkerOptions(args: CheckArgs): Record<string, unknown> {
  const skip = new Set(['_', '$0', 'files', 'checker', 'format', 'json', 'time-limit', 'timeLimit', 'report']);
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (!skip.has(k) && !k.includes('-')) options[k] = v;
  if (args['time-limit'] !== undefined) options.timeLimitMs = args['time-limit'] * 1000;
  return options;
}

/**
 * Keys a person would say the history covers: the independent `key` field when ops carry one,
 * else the keys named by transactions' micro-ops (`["append", k, v]`), else one object.
 */
export function countKeys(history: readonly Op[]): number {
  const keys = new Set<unknown>();
  for (const op of history) if (op.key !== undefined) keys.add(op.key);
  if (keys.size > 0) return keys.size;
  for (const op of history) {
    if (!Array.isArray(op.value)) continue;
    for (const mop of op.value) if (Array.isArray(mop) && mop.length === 3 && typeof mop[0] === 'string') keys.add(mop[1]);
  }
  if (keys.size > 0) return keys.size;
  return history.some((op) => op.process !== 'nemesis') ? 1 : 0;
}
