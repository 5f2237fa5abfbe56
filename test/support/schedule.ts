import type { History } from '../../harness/history/op.ts';

/**
 * What a seed replays in a run (harness/random.ts): the ops generated — per independent key, the
 * invoked (f, value) in order — and the nemesis ops invoked. Not the database's answers, nor how
 * many ops fit in the time limit.
 */
export interface Schedule {
  keys: Map<string, string[]>;
  nemesis: string[];
}

export function scheduleOf(history: History): Schedule {
  const keys = new Map<string, string[]>();
  const nemesis: string[] = [];
  let nemesisInvoke = true;
  for (const op of history) {
    if (op.process === 'nemesis') {
      // Info pairs: the first of each pair is the invocation the schedule chose.
      if (nemesisInvoke) nemesis.push(JSON.stringify([op.f, op.value]));
      nemesisInvoke = !nemesisInvoke;
    } else if (op.type === 'invoke') {
      const k = JSON.stringify(op.key ?? null);
      let ops = keys.get(k);
      if (!ops) keys.set(k, (ops = []));
      ops.push(JSON.stringify([op.f, op.value]));
    }
  }
  return { keys, nemesis };
}

/** Where two sequences part, if one is not a prefix of the other. */
function divergence(a: readonly string[], b: readonly string[]): string | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return `op ${i}: ${a[i]} vs ${b[i]}`;
  return undefined;
}

/**
 * Compares two runs' schedules: on every key both runs used, and for the nemesis, the shorter
 * sequence must be a prefix of the longer (a run may fit a few more ops in its time limit).
 * Returns the problems, and how many ops were compared (so a test can insist it was not vacuous).
 */
export function compareSchedules(a: Schedule, b: Schedule): { problems: string[]; comparedOps: number; comparedNemesis: number } {
  const problems: string[] = [];
  let comparedOps = 0;
  for (const [key, ops] of a.keys) {
    const other = b.keys.get(key);
    if (!other) continue;
    const d = divergence(ops, other);
    if (d) problems.push(`key ${key}: ${d}`);
    comparedOps += Math.min(ops.length, other.length);
  }
  const d = divergence(a.nemesis, b.nemesis);
  if (d) problems.push(`nemesis: ${d}`);
  return { problems, comparedOps, comparedNemesis: Math.min(a.nemesis.length, b.nemesis.length) };
}
