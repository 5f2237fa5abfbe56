import type { History } from '../../harness/history/op.ts';
import { faultClass } from '../../harness/faults/vocabulary.ts';
import { FINAL_READ } from '../../checkers/conventions.ts';

/**
 * What a seed replays in a run (harness/random.ts): the ops generated — per independent key, the
 * invoked (f, value) in order — and per fault class, the nemesis ops invoked. Not the database's
 * answers, nor how many ops fit in the time limit, nor how two fault classes' schedules
 * interleave on the one nemesis thread (that depends on when each op finished).
 */
export interface Schedule {
  keys: Map<string, string[]>;
  nemesis: Map<string, string[]>;
}

export function scheduleOf(history: History): Schedule {
  const keys = new Map<string, string[]>();
  const nemesis = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, v: string) => {
    let ops = m.get(k);
    if (!ops) m.set(k, (ops = []));
    ops.push(v);
  };
  let nemesisInvoke = true;
  for (const op of history) {
    if (op.process === 'nemesis') {
      // Info pairs: the first of each pair is the invocation the schedule chose.
      if (nemesisInvoke) add(nemesis, faultClass(op.f), JSON.stringify([op.f, op.value]));
      nemesisInvoke = !nemesisInvoke;
    } else if (op.type === 'invoke' && op.value !== FINAL_READ) {
      // Final reads read back whichever keys the run got to touch: timing, not the seed.
      add(keys, JSON.stringify(op.key ?? null), JSON.stringify([op.f, op.value]));
    }
  }
  return { keys, nemesis };
}

/**
 * Where two sequences part, if one is not a prefix of the other. The last `tail` ops of the
 * shorter one are exempt: for a fault class those are its final heal, which comes wherever the
 * time limit cut the schedule.
 */
function divergence(a: readonly string[], b: readonly string[], tail = 0): string | undefined {
  const n = Math.min(a.length, b.length) - tail;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return `op ${i}: ${a[i]} vs ${b[i]}`;
  return undefined;
}

/**
 * Compares two runs' schedules: on every key both runs used, and for each fault class, the
 * shorter sequence must be a prefix of the longer (a run may fit a few more ops in its time
 * limit) — but for the class's last `finalOps` ops (its final heal; one op for most nemeses).
 * Returns the problems, and how many ops were compared (so a test can insist it was not vacuous).
 */
export function compareSchedules(a: Schedule, b: Schedule, finalOps = 1): { problems: string[]; comparedOps: number; comparedNemesis: number } {
  const problems: string[] = [];
  const compare = (what: string, x: Map<string, string[]>, y: Map<string, string[]>, tail: number) => {
    let compared = 0;
    for (const [k, ops] of x) {
      const other = y.get(k);
      if (!other) continue;
      const d = divergence(ops, other, tail);
      if (d) problems.push(`${what} ${k}: ${d}`);
      compared += Math.max(0, Math.min(ops.length, other.length) - tail);
    }
    return compared;
  };
  const comparedOps = compare('key', a.keys, b.keys, 0);
  const comparedNemesis = compare('fault', a.nemesis, b.nemesis, finalOps);
  return { problems, comparedOps, comparedNemesis };
}
