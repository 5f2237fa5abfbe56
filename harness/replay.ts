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

/** The line that re-checks one history file, for a report made by `faultline check --report`. */
export function checkReplayCommand(file: string, checker: string): string {
  return ['faultline', 'check', file, '--checker', checker].map(shellWord).join(' ');
}
