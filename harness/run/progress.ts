import type { Op } from '../history/op.ts';
import type { RunObserver, RunPhase } from './run-test.ts';

/**
 * A plain progress line every `everyMs` while the workload runs (elapsed / limit, ops/s, ok /
 * fail / info). A live terminal status line can replace it on the same observer hooks.
 */
export class ProgressPrinter implements RunObserver {
  private ok = 0;
  private fail = 0;
  private info = 0;
  private invoked = 0;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private lastInvoked = 0;
  private lastAt = 0;

  constructor(
    private readonly print: (line: string) => void,
    private readonly timeLimitS: number,
    private readonly everyMs = 10_000,
  ) {}

  onPhase(phase: RunPhase): void {
    if (phase === 'workload') {
      this.startedAt = this.lastAt = performance.now();
      this.timer = setInterval(() => this.line(), this.everyMs);
      this.timer.unref();
    } else if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  onOp(op: Op): void {
    if (op.process === 'nemesis') return;
    if (op.type === 'invoke') this.invoked++;
    else this[op.type]++;
  }

  private line(): void {
    const now = performance.now();
    const rate = ((this.invoked - this.lastInvoked) * 1000) / Math.max(1, now - this.lastAt);
    this.lastInvoked = this.invoked;
    this.lastAt = now;
    const elapsed = Math.round((now - this.startedAt) / 1000);
    this.print(`  ${elapsed} s / ${this.timeLimitS} s  ${rate.toFixed(0)} ops/s  ok ${this.ok}  fail ${this.fail}  info ${this.info}`);
  }
}
