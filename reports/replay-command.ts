import type { TestSpec } from '../harness/test-spec.ts';

/** Quotes one shell word when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The paste-able `faultline run …` line that replays a test's schedule of ops and faults from
 * its seed (STYLE.md #7). Workload options are not flags, so they are left to test.json.
 */
export function replayCommand(test: TestSpec): string {
  const args = [
    'faultline', 'run',
    '--db', test.db,
    '--workload', test.workload,
    '--nodes', String(test.nodes),
    '--concurrency', String(test.concurrency),
    '--rate', String(test.rate),
    '--time-limit', String(test.timeLimit),
  ];
  if (test.nemesis.length > 0) args.push('--nemesis', test.nemesis.join(','), '--nemesis-interval', String(test.nemesisInterval));
  if (test.isolation) args.push('--isolation', test.isolation);
  args.push('--seed', String(test.seed));
  return args.map(shellWord).join(' ');
}

/** The line that re-checks one history file, for a report made by `faultline check --report`. */
export function checkReplayCommand(file: string, checker: string): string {
  return ['faultline', 'check', file, '--checker', checker].map(shellWord).join(' ');
}
