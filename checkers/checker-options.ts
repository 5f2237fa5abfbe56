import { CONSISTENCY_MODELS } from './elle/models.ts';
import { modelNames } from './linearizable/models/index.ts';

/** How an option is written on the command line: a word, on/off, or a checked number. */
export type CheckerOptionSpec =
  | { type: 'string'; describe: string }
  | { type: 'boolean'; describe: string }
  | { type: 'number'; describe: string; integer?: boolean; min?: number; above?: number };

/**
 * Every option a built-in checker reads (`CheckOptions` keys, camelCase), with its type and help
 * line: `faultline check` declares each as a flag (`consistencyModel` is `--consistency-model`),
 * so a mistyped one is refused instead of handed on and ignored, and `--x false` is false. A
 * checker's own option goes here, under the name it reads (and in its `options`, which says
 * which checkers `--help` names beside it). `timeLimitMs` is `--time-limit`.
 */
export const CHECKER_OPTIONS = {
  model: { type: 'string', describe: `the model, one of ${modelNames().join(', ')} (default cas-register)` },
  perKey: { type: 'boolean', describe: 'check each independent key on its own (default true; --per-key false checks the whole history as one map)' },
  maxMemoryBytes: { type: 'number', integer: true, above: 0, describe: 'memory the search may use before the verdict is unknown (default 1 GiB)' },
  consistencyModel: { type: 'string', describe: `the model judged against (default strict-serializable): ${CONSISTENCY_MODELS.join(', ')}` },
  cycleSearchWork: { type: 'number', integer: true, above: 0, describe: 'steps one cycle search may take before it is cut short (default 5000000)' },
  wfrKeys: { type: 'boolean', describe: 'infer version order from writes that follow reads (default true)' },
  sequentialKeys: { type: 'boolean', describe: 'infer version order from each process\'s order (databases claiming sequential consistency per key)' },
  linearizableKeys: { type: 'boolean', describe: 'infer version order from realtime order (databases claiming per-key linearizability)' },
  linearizable: { type: 'boolean', describe: 'elements must be visible to every read that starts after their add completes' },
  totalAmount: { type: 'number', describe: 'the total every read must see (default: the first read\'s total)' },
  accounts: { type: 'string', describe: 'the accounts, comma-separated (default: the first read\'s)' },
  negativeBalances: { type: 'boolean', describe: 'allow negative balances' },
  allowNegativeBalances: { type: 'boolean', describe: 'the same as --negative-balances' },
  groupSize: { type: 'number', integer: true, min: 0, describe: 'keys every read must cover (0: any)' },
  doctorsPerShift: { type: 'number', integer: true, min: 1, describe: 'doctors per shift (default: the most any read names)' },
} as const satisfies Record<string, CheckerOptionSpec>;

export type CheckerOptionName = keyof typeof CHECKER_OPTIONS;

/** `consistencyModel` → `consistency-model`. */
export function optionFlag(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
