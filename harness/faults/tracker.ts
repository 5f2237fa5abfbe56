import type { Op } from '../history/op.ts';
import { faultTransition } from './vocabulary.ts';

/**
 * Which fault classes are in effect, read from the nemesis ops as they complete (the names are
 * harness/faults/vocabulary.ts's). A nemesis op of another name is counted but changes nothing.
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
    const t = faultTransition(op.f);
    if (t === undefined) return;
    if (t.kind === 'heal-all') {
      this.on.clear();
    } else if (t.kind === 'start') {
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

