import type { TestSpec } from '../test-spec.ts';

/** Shell-quotes one argument when it needs it. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * The command that replays a test: every flag that shaped its schedule, including the seed. A
 * replay repeats the ops and faults chosen, not the database's interleavings (see harness/random.ts).
 */
export function replayCommand(spec: TestSpec, storeRoot?: string): string {
  const args = [
    'npx', 'faultline', 'run',
    '--db', spec.db,
    '--workload', spec.workload,
    '--nodes', String(spec.nodes),
    '--concurrency', String(spec.concurrency),
    '--rate', String(spec.rate),
    '--time-limit', String(spec.timeLimit),
  ];
  if (spec.nemesis.length > 0) args.push('--nemesis', spec.nemesis.join(','), '--nemesis-interval', String(spec.nemesisInterval), '--recovery', String(spec.recovery));
  if (spec.name !== defaultTestName(spec)) args.push('--name', spec.name);
  for (const [k, v] of Object.entries(spec.options).sort(([a], [b]) => a.localeCompare(b))) args.push('--option', `${k}=${JSON.stringify(v)}`);
  if (storeRoot !== undefined && storeRoot !== 'store') args.push('--store', storeRoot);
  args.push('--seed', String(spec.seed));
  return args.map(quote).join(' ');
}

export function defaultTestName(spec: Pick<TestSpec, 'db' | 'workload'>): string {
  return `${spec.db}-${spec.workload}`;
}
