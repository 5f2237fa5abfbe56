import type { Cluster } from '../../harness/cluster.ts';
import type { Client, Completion, Invocation } from '../../harness/client.ts';
import type { TestSpec } from '../../harness/test-spec.ts';

/** The global timer, so that tests on simulated time (vitest's fake timers) drive a client's latency too. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An in-memory, linearizable register store shared by every fake client of one test. */
export class MemoryStore {
  readonly values = new Map<string | number, unknown>();
  inFlight = 0;
  maxInFlight = 0;
  opens = 0;
  closes = 0;
}

export interface MemoryClientOptions {
  /** Milliseconds an op takes, drawn per op (Math.random: timing is not part of the schedule). */
  latencyMs?: () => number;
  /** Called per op: return 'info' or 'throw' to inject an indeterminate outcome. */
  fault?: (op: Invocation) => 'info' | 'throw' | undefined;
}

/**
 * A register client over {@link MemoryStore}: each op takes effect atomically at its midpoint, so
 * histories are linearizable. Used to test the scheduler and lifecycle without Docker.
 */
export class MemoryRegisterClient implements Client {
  private open_ = false;

  constructor(
    private readonly store: MemoryStore,
    private readonly options: MemoryClientOptions = {},
  ) {}

  async open(_cluster: Cluster, _test: TestSpec, _node: string): Promise<void> {
    this.store.opens++;
    this.open_ = true;
  }

  async invoke(op: Invocation): Promise<Completion> {
    if (!this.open_) throw new Error('invoke on a closed client');
    const s = this.store;
    s.inFlight++;
    s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
    try {
      const ms = this.options.latencyMs?.() ?? 1;
      await sleep(ms / 2);
      const fault = this.options.fault?.(op);
      const key = op.key ?? 'default';
      let result: Completion;
      switch (op.f) {
        case 'read':
          result = { type: 'ok', value: s.values.get(key) ?? null };
          break;
        case 'write':
          s.values.set(key, op.value);
          result = { type: 'ok', value: op.value };
          break;
        case 'cas': {
          const [expected, next] = op.value as [unknown, unknown];
          if ((s.values.get(key) ?? null) === expected) {
            s.values.set(key, next);
            result = { type: 'ok', value: op.value };
          } else result = { type: 'fail', value: op.value, error: 'cas-mismatch' };
          break;
        }
        default:
          result = { type: 'fail', error: `unknown f ${op.f}` };
      }
      await sleep(ms / 2);
      if (fault === 'throw') throw new Error('connection reset (injected)');
      if (fault === 'info') return { type: 'info', error: 'timeout (injected)' };
      return result;
    } finally {
      s.inFlight--;
    }
  }

  async close(): Promise<void> {
    if (this.open_) this.store.closes++;
    this.open_ = false;
  }
}
