import { formatNemesisArg } from './nemesis-arg.ts';
import type { TestSpec } from './test-spec.ts';

/** Quotes one shell word when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that replays a test: every flag that shaped its schedule, including the seed. A
 * replay repeats the ops and faults chosen, not the database's interleavings (see harness/random.ts).
 */
export function replayCommand(spec: TestSpec, storeRoot?: string): string {
  const args = [
    'npx', 'faultline', 'run',
    // A test file names its own database and workload.
    ...(spec.testFile === undefined ? ['--db', spec.db, '--workload', spec.workload] : ['--test', spec.testFile]),
    '--nodes', String(spec.nodes),
    '--concurrency', String(spec.concurrency),
    '--rate', String(spec.rate),
    '--time-limit', String(spec.timeLimit),
  ];
  if (spec.nemesis.length > 0) args.push('--nemesis', formatNemesisArg(spec), '--nemesis-interval', String(spec.nemesisInterval), '--recovery', String(spec.recovery));
  if (spec.isolation) args.push('--isolation', spec.isolation);
  if (spec.consistencyModel) args.push('--consistency-model', spec.consistencyModel);
  if (spec.name !== defaultTestName(spec)) args.push('--name', spec.name);
  for (const [k, v] of Object.entries(spec.options).sort(([a], [b]) => a.localeCompare(b))) args.push('--option', `${k}=${optionValue(v)}`);
  if (storeRoot !== undefined && storeRoot !== 'store') args.push('--store', storeRoot);
  args.push('--seed', String(spec.seed));
  return args.map(shellWord).join(' ');
}

export function defaultTestName(spec: Pick<TestSpec, 'db' | 'workload'>): string {
  return `${spec.db}-${spec.workload}`;
}

/** As `--option` reads it back: a bare word is a string, anything else JSON. */
function optionValue(v: unknown): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  try {
    JSON.parse(v);
    return JSON.stringify(v);
  } catch {
    return v;
  }
}

/** What, besides the file and the checker, decided a `faultline check` verdict. */
export interface CheckReplayOptions {
  /** `--format`, when the file's format was not detected but given. */
  format?: string;
  /** `--completion-only`: the file was read as completions each invoked right before it. */
  completionOnly?: boolean;
  /**
   * The checker's options as `check` handed them on (camelCase: `model`, `consistencyModel`,
   * `perKey`, …), `timeLimitMs` among them: each becomes its flag again.
   */
  options?: Readonly<Record<string, unknown>>;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The line that re-checks one history file, for `check`'s report and JUnit: every option that
 * changed the verdict (a model, a consistency model, `--per-key`, a time limit that made it
 * unknown…), so running it gives the same verdict.
 */
export function checkReplayCommand(file: string, checker: string, given: CheckReplayOptions = {}): string {
  const args = ['faultline', 'check', file, '--checker', checker];
  if (given.format !== undefined) args.push('--format', given.format);
  if (given.completionOnly) args.push('--completion-only');
  for (const [key, value] of Object.entries(given.options ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    // Only what a flag can say: runtime handles handed to the checker (an AbortSignal) are not options.
    if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) continue;
    if (key === 'timeLimitMs') {
      args.push('--time-limit', String(Number(value) / 1000));
      continue;
    }
    const flag = `--${kebab(key)}`;
    if (value === true) args.push(flag);
    // `--no-x` reads as false whether or not the command declares x.
    else if (value === false) args.push(`--no-${kebab(key)}`);
    else if (Array.isArray(value)) for (const v of value) args.push(flag, String(v));
    else args.push(flag, String(value));
  }
  return args.map(shellWord).join(' ');
}
