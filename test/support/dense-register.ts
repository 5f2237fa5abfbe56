import type { Op } from '../../harness/history/op.ts';
import { simulateRegister } from '../../checkers/linearizable/simulate-register.ts';

export interface DenseRegisterOptions {
  /** Operations on the one key. */
  ops: number;
  /** Clients, nearly all of them in flight at any moment. */
  processes: number;
  /** Distinct values written: few values make the search hard. */
  values: number;
  crashRate?: number;
  seed: number;
  /** Plant one stale read (see {@link plantStaleRead}) at this fraction of the history. */
  staleReadAt?: number;
}

/**
 * A dense single-key cas-register history (the shape of issue #14's hard cases: 20–50 clients
 * always in flight, few values), valid by construction, or with one stale read planted so that it
 * is certainly not linearizable and the search must rule out every configuration before it.
 */
export function denseRegisterHistory(o: DenseRegisterOptions): Op[] {
  const history = simulateRegister({ ops: o.ops, processes: o.processes, values: o.values, crashRate: o.crashRate ?? 0, seed: o.seed });
  if (o.staleReadAt === undefined) return history;
  const planted = plantStaleRead(history, o.staleReadAt);
  if (!planted) throw new Error(`no read near ${o.staleReadAt} of this history can be made certainly stale; try another seed`);
  return planted;
}

interface Interval {
  call: number;
  ret: number;
  writes: unknown;
  ok: boolean;
}

/**
 * Changes the output of one ok read, at or after `at` (a fraction of the history), to a value v
 * that no linearization can give it: every op that may have written v (a write of v, a cas to v)
 * and was invoked before the read returned completed ok and was followed, entirely in real time,
 * by an ok write of something else that completed before the read began. So whichever v-writer
 * comes last before the read, its overwriter sits between it and the read. (v is never nil: nil
 * is the initial state.) Returns undefined when no read qualifies.
 */
export function plantStaleRead(history: readonly Op[], at: number): Op[] | undefined {
  const intervals: Interval[] = [];
  const open = new Map<number | string, { call: number; f: string; value: unknown }>();
  const reads: { call: number; ret: number }[] = [];
  for (const op of history) {
    if (op.type === 'invoke') {
      open.set(op.process, { call: op.index, f: op.f, value: op.value });
      continue;
    }
    const inv = open.get(op.process);
    if (!inv) continue;
    open.delete(op.process);
    if (op.type === 'fail') continue;
    const ok = op.type === 'ok';
    if (inv.f === 'read') {
      if (ok) reads.push({ call: inv.call, ret: op.index });
      continue;
    }
    const writes = inv.f === 'write' ? inv.value : (inv.value as unknown[])[1];
    intervals.push({ call: inv.call, ret: ok ? op.index : Infinity, writes, ok });
  }
  for (const inv of open.values()) {
    if (inv.f !== 'read') intervals.push({ call: inv.call, ret: Infinity, writes: inv.f === 'write' ? inv.value : (inv.value as unknown[])[1], ok: false });
  }
  const values = [...new Set(intervals.map((i) => i.writes))].filter((v) => v !== null);
  for (const read of reads) {
    if (read.call < history.length * at) continue;
    const actual = history[read.ret]!.value;
    for (const v of values) {
      if (v === actual) continue;
      const writers = intervals.filter((w) => w.writes === v && w.call < read.ret);
      // The latest-invoked ok write of another value that completed before the read began.
      let lastOverwrite = -1;
      for (const y of intervals) if (y.ok && y.writes !== v && y.ret < read.call && y.call > lastOverwrite) lastOverwrite = y.call;
      if (writers.length > 0 && writers.every((w) => w.ok && lastOverwrite > w.ret)) {
        const out = history.map((op) => ({ ...op }));
        out[read.ret]!.value = v;
        return out;
      }
    }
  }
  return undefined;
}

/**
 * One history from several single-key ones, one after the other: each op gets its part's key,
 * processes are renumbered so no two parts share one, and indices and times run on.
 */
export function concatKeyed(parts: readonly { key: string; history: readonly Op[] }[]): Op[] {
  const out: Op[] = [];
  let offset = 0;
  for (const { key, history } of parts) {
    let top = 0;
    for (const op of history) {
      const process = op.process === 'nemesis' ? op.process : op.process + offset;
      if (typeof process === 'number') top = Math.max(top, process + 1);
      out.push({ ...op, key, process, index: out.length, time: out.length * 1000 });
    }
    offset = top;
  }
  return out;
}
