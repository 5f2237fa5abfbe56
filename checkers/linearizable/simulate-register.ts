import type { Op } from '../../harness/history/op.ts';

export interface RegisterSimulation {
  /** Operations to invoke (each an invocation and, usually, a completion). */
  ops: number;
  processes: number;
  /** Independent keys; with more than one, each op carries `key`. Keys are worked through in order, a block of ops each, as jepsen.independent does. */
  keys?: number;
  /** Distinct values written (small ranges make cas succeed and reads collide). */
  values?: number;
  /** Chance that an op's outcome is lost (`info`), before or after it took effect. */
  crashRate?: number;
  /** Chance that a crashed op that had not yet taken effect does so later. */
  lateEffectRate?: number;
  seed: number;
}

/**
 * Runs clients against a real (simulated) linearizable cas-register and records the history,
 * so every history it produces is linearizable by construction: each op takes effect at one
 * instant between its invocation and its completion. Failed cas ops are recorded as `fail`;
 * crashed ops as `info`, after which the process continues under a new id; a crashed op may
 * take effect later, or never; some ops are still in flight when the history ends.
 */
export function simulateRegister(sim: RegisterSimulation): Op[] {
  const { ops, processes, keys = 1, values = 5, crashRate = 0, lateEffectRate = 0.5 } = sim;
  let seed = sim.seed | 0 || 1;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(rand() * n);
  interface InFlight {
    f: 'read' | 'write' | 'cas';
    key: number;
    value: unknown;
    done: boolean;
    result?: unknown;
    ok?: boolean;
  }
  const registers = new Map<number, unknown>();
  const history: Op[] = [];
  const pid = Array.from({ length: processes }, (_, i) => i);
  const inflight: (InFlight | undefined)[] = Array(processes).fill(undefined);
  const zombies: InFlight[] = [];
  const perKey = Math.max(1, Math.ceil(ops / keys));
  let invoked = 0;
  const emit = (p: number, type: Op['type'], o: InFlight, value: unknown, error?: string) => {
    const op: Op = { index: history.length, time: history.length * 1000, type, process: pid[p]!, f: o.f, value };
    if (keys > 1) op.key = o.key;
    if (error !== undefined) op.error = error;
    history.push(op);
  };
  const apply = (o: InFlight) => {
    const current = registers.get(o.key) ?? null;
    if (o.f === 'read') {
      o.result = current;
      o.ok = true;
    } else if (o.f === 'write') {
      registers.set(o.key, o.value);
      o.ok = true;
    } else {
      const [from, to] = o.value as [number, number];
      o.ok = current === from;
      if (o.ok) registers.set(o.key, to);
    }
    o.done = true;
  };
  while (invoked < ops || inflight.some((o) => o !== undefined)) {
    if (zombies.length > 0 && rand() < 0.05) {
      const z = zombies.splice(int(zombies.length), 1)[0]!;
      if (rand() < lateEffectRate) apply(z);
    }
    const p = int(processes);
    const o = inflight[p];
    if (o === undefined) {
      if (invoked >= ops) continue;
      const key = keys > 1 ? Math.min(keys - 1, Math.floor(invoked / perKey)) : 0;
      const r = rand();
      const f = r < 0.4 ? 'read' : r < 0.7 ? 'write' : 'cas';
      const value = f === 'read' ? null : f === 'write' ? int(values) : [int(values), int(values)];
      const op: InFlight = { f, key, value, done: false };
      inflight[p] = op;
      invoked++;
      emit(p, 'invoke', op, value);
      continue;
    }
    // Near the end, leave some ops in flight for good: the history stops mid-operation.
    if (invoked >= ops && rand() < 0.02) {
      inflight[p] = undefined;
      continue;
    }
    if (!o.done && rand() < crashRate) {
      // Crashed before taking effect; it may still do so later.
      emit(p, 'info', o, o.value, 'timeout');
      zombies.push(o);
      inflight[p] = undefined;
      pid[p]! += processes;
      continue;
    }
    if (!o.done) {
      apply(o);
      continue;
    }
    if (rand() < crashRate) {
      emit(p, 'info', o, o.value, 'timeout');
      pid[p]! += processes;
    } else if (o.ok) {
      emit(p, 'ok', o, o.f === 'read' ? o.result : o.value);
    } else {
      emit(p, 'fail', o, o.value, 'cas precondition failed');
    }
    inflight[p] = undefined;
  }
  return history;
}
