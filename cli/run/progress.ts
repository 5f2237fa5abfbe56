import type { Op } from '../../harness/history/op.ts';
import { FaultTracker } from '../../harness/faults/tracker.ts';
import type { RunObserver, RunPhase } from './run-test.ts';

const PHASE_TEXT: Record<RunPhase, string> = {
  prepare: 'preparing the engine and image',
  cluster: 'starting the cluster',
  'db-setup': 'setting up the database',
  workload: 'running the workload',
  teardown: 'healing and tearing down',
  check: 'checking the history',
  report: 'writing the report',
};

/** ops/s is measured over about this much recent time. */
const RATE_WINDOW_MS = 3_000;

/**
 * One run's progress, kept from the observer hooks in O(1) per op: client outcomes, the rate,
 * which faults are in effect. {@link status} renders it as one line for a status line or a log.
 */
export class RunProgress implements RunObserver {
  ok = 0;
  fail = 0;
  info = 0;
  invoked = 0;
  phase: RunPhase | undefined;
  readonly faults = new FaultTracker();
  private workloadAt: number | undefined;
  private readonly samples: [at: number, invoked: number][] = [];

  constructor(
    readonly timeLimitS: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  onPhase(phase: RunPhase): void {
    this.phase = phase;
    if (phase === 'workload') this.workloadAt = this.clock();
  }

  onOp(op: Op): void {
    if (op.process === 'nemesis') this.faults.onOp(op);
    else if (op.type === 'invoke') this.invoked++;
    else this[op.type]++;
  }

  /** Seconds of workload so far. */
  elapsedS(): number {
    return this.workloadAt === undefined ? 0 : (this.clock() - this.workloadAt) / 1000;
  }

  /** Invocations per second over the last few seconds. */
  rate(): number {
    const now = this.clock();
    this.samples.push([now, this.invoked]);
    while (this.samples.length > 2 && now - this.samples[1]![0] >= RATE_WINDOW_MS) this.samples.shift();
    const [at, n] = this.samples[0]!;
    return now - at < 1 ? 0 : ((this.invoked - n) * 1000) / (now - at);
  }

  /**
   * `12 s / 60 s · 405 ops/s · ok 4000 fail 2 info 1 · faults: partition` while the workload
   * runs; outside it, what the run is doing (or undefined with `workloadOnly`).
   */
  status(workloadOnly = false): string | undefined {
    if (this.phase !== 'workload') return workloadOnly || this.phase === undefined ? undefined : `${PHASE_TEXT[this.phase]}…`;
    const active = this.faults.active();
    return [
      `${Math.floor(this.elapsedS())} s / ${this.timeLimitS} s`,
      `${this.rate().toFixed(0)} ops/s`,
      `ok ${this.ok} fail ${this.fail} info ${this.info}`,
      active.length === 0 ? 'no faults' : `faults: ${active.join(', ')}`,
    ].join(' · ');
  }
}
