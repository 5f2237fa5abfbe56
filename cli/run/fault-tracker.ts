import type { Op } from '../../harness/history/op.ts';

/**
 * Which fault classes are in effect, read from the nemesis ops as they complete. Fault ops follow
 * Jepsen's names: `start-X` / `stop-X` (partition, packet…), `kill` / `start`, `pause` /
 * `resume`, `bump-clock` or `strobe-clock` / `reset-clock`, and `heal` or `stop-all` end them
 * all. A nemesis op of another name is counted but changes nothing here.
 */
export class FaultTracker {
  private readonly on = new Set<string>();
  private pendingInvoke = false;
  /** Faults started (each `start-X`, `kill`, `pause`… completion counts once). */
  started = 0;
  /** Nemesis operations completed. */
  ops = 0;

  /** Feed every op of the history in order (client ops are ignored). */
  onOp(op: Op): void {
    if (op.process !== 'nemesis') return;
    // Nemesis ops are recorded as info pairs on one thread: invoke, then its completion.
    this.pendingInvoke = !this.pendingInvoke;
    if (this.pendingInvoke) return;
    this.ops++;
    const t = transition(op.f);
    if (t === undefined) return;
    if (t.fault === '*') {
      this.on.clear();
    } else if (t.start) {
      this.on.add(t.fault);
      this.started++;
    } else {
      this.on.delete(t.fault);
    }
  }

  /** Fault classes in effect now, sorted. */
  active(): string[] {
    return [...this.on].sort();
  }
}

/** The fault class a nemesis op belongs to (`stop-partition` → partition, `resume` → pause); `f` itself when unknown. */
export function faultClass(f: string): string {
  const t = transition(f);
  return t === undefined || t.fault === '*' ? f : t.fault;
}

function transition(f: string): { fault: string; start: boolean } | undefined {
  switch (f) {
    case 'kill':
      return { fault: 'kill', start: true };
    case 'start':
      return { fault: 'kill', start: false };
    case 'pause':
      return { fault: 'pause', start: true };
    case 'resume':
      return { fault: 'pause', start: false };
    case 'bump-clock':
    case 'strobe-clock':
      return { fault: 'clock', start: true };
    case 'reset-clock':
      return { fault: 'clock', start: false };
    case 'heal':
    case 'stop-all':
      return { fault: '*', start: false };
  }
  const m = /^(start|stop)-(.+)$/.exec(f);
  return m ? { fault: m[2]!, start: m[1] === 'start' } : undefined;
}

/** Faults started in a whole history (for a run's summary line). */
export function faultsStarted(history: Iterable<Op>): number {
  const t = new FaultTracker();
  for (const op of history) t.onOp(op);
  return t.started;
}
