import type { GenContext, GenOp, Generator, Thread } from '../generator/generator.ts';
import type { Completion } from '../client.ts';
import type { Op, Process } from '../history/op.ts';

/** What the scheduler should do next. */
export type Action =
  | { readonly kind: 'invoke'; readonly thread: Thread; readonly op: Op }
  | { readonly kind: 'sleep'; readonly thread: Thread; readonly until: number }
  | { readonly kind: 'log'; readonly message: string }
  /** Nothing to start: wait for a completion, or until `until` (ns) when given. */
  | { readonly kind: 'wait'; readonly until?: number }
  | { readonly kind: 'done' };

export interface DriverOptions {
  concurrency: number;
  /** Whether there is a nemesis thread. */
  nemesis: boolean;
  /** Receives each op as it is recorded (the history writer). */
  record?: (op: Op) => void;
  /** The node a client thread is bound to, recorded on its ops. */
  nodeOf?: (thread: number) => string | undefined;
}

/** A generator asked for something impossible: a bug in the generator, named precisely. */
export class GeneratorError extends Error {
  override readonly name = 'GeneratorError';
}

/**
 * The bookkeeping half of the scheduler, shared by the real interpreter and the simulator: it
 * asks the generator for ops, assigns history indices and process ids (a thread whose op ended
 * `info` continues as process + concurrency), tracks what is in flight, and feeds every event
 * back to the generator. It does no I/O and reads no clock: callers pass `now` in.
 */
export class Driver {
  readonly history: Op[] = [];
  private gen: Generator;
  private readonly threads: readonly Thread[];
  private readonly busy = new Map<Thread, Op | 'sleep'>();
  private readonly processes = new Map<Thread, Process>();
  private readonly processOf = (t: Thread): Process => this.processes.get(t) ?? t;
  private lastTime = 0;
  private exhausted = false;

  constructor(
    generator: Generator,
    private readonly options: DriverOptions,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    this.gen = generator;
    const threads: Thread[] = Array.from({ length: options.concurrency }, (_, i) => i);
    if (options.nemesis) threads.push('nemesis');
    this.threads = threads;
    for (const t of threads) this.processes.set(t, t);
  }

  /** Ops (and sleeps) in flight. */
  get inFlight(): number {
    return this.busy.size;
  }

  /** The invoke op each busy thread is waiting on. */
  openOps(): Op[] {
    return [...this.busy.values()].filter((v): v is Op => v !== 'sleep');
  }

  private context(now: number): GenContext {
    const free = this.threads.filter((t) => !this.busy.has(t));
    return { time: now, free, threads: this.threads, process: this.processOf };
  }

  /**
   * The next thing to do at `now`. An op due within `earlyNs` is started now (a timer cannot wake
   * a caller more precisely than that); its recorded time is still `now`.
   */
  next(now: number, earlyNs = 0): Action {
    if (this.exhausted) return this.busy.size > 0 ? { kind: 'wait' } : { kind: 'done' };
    const ctx = this.context(now);
    const s = this.gen.op(ctx);
    if (s.kind === 'done') {
      this.exhausted = true;
      return this.next(now, earlyNs);
    }
    if (s.kind === 'pending') {
      this.gen = s.gen;
      return s.wakeAt === undefined ? { kind: 'wait' } : { kind: 'wait', until: s.wakeAt };
    }
    const op = s.op;
    // Not yet: the generator is asked again then (or sooner, after an event), so its state stays.
    if (op.time > now + earlyNs) return { kind: 'wait', until: op.time };
    this.checkOp(op);
    this.gen = s.gen;
    if (op.type === 'log') return { kind: 'log', message: String(op.value) };
    if (op.type === 'sleep') {
      this.busy.set(op.thread, 'sleep');
      return { kind: 'sleep', thread: op.thread, until: now + (op.value as number) };
    }
    const invoke = this.record(now, {
      type: op.thread === 'nemesis' ? 'info' : 'invoke',
      process: this.processOf(op.thread),
      f: op.f,
      value: op.value === undefined ? null : op.value,
      key: op.key,
      node: typeof op.thread === 'number' ? this.options.nodeOf?.(op.thread) : undefined,
    });
    this.busy.set(op.thread, invoke);
    this.gen = this.gen.update(this.context(now), { thread: op.thread, op: invoke });
    return { kind: 'invoke', thread: op.thread, op: invoke };
  }

  /** Records the completion of `thread`'s op and returns it. */
  complete(now: number, thread: Thread, c: Completion): Op {
    const invoke = this.busy.get(thread);
    if (invoke === undefined || invoke === 'sleep') throw new Error(`thread ${thread} has no op in flight`);
    this.busy.delete(thread);
    const op = this.record(now, {
      type: thread === 'nemesis' ? 'info' : c.type,
      process: invoke.process,
      f: invoke.f,
      value: c.value === undefined ? invoke.value : c.value,
      key: invoke.key,
      node: c.node ?? invoke.node,
      error: c.error,
    });
    if (c.type === 'info' && typeof thread === 'number') this.processes.set(thread, (invoke.process as number) + this.options.concurrency);
    this.gen = this.gen.update(this.context(now), { thread, op });
    return op;
  }

  /** A sleeping thread is free again. */
  wake(thread: Thread): void {
    if (this.busy.get(thread) === 'sleep') this.busy.delete(thread);
  }

  /** Stops asking the generator; what is in flight may still complete. */
  stop(): void {
    this.exhausted = true;
  }

  private record(now: number, fields: Omit<Op, 'index' | 'time'>): Op {
    // Times never go backwards in a history, whatever clock the caller reads.
    const time = Math.max(now, this.lastTime);
    this.lastTime = time;
    const op: Op = { index: this.history.length, time, type: fields.type, process: fields.process, f: fields.f, value: fields.value };
    if (fields.key !== undefined) op.key = fields.key;
    if (fields.node !== undefined) op.node = fields.node;
    if (fields.error !== undefined) op.error = fields.error;
    this.history.push(op);
    this.options.record?.(op);
    return op;
  }

  private checkOp(op: GenOp): void {
    const problems: string[] = [];
    if (op.type !== 'invoke' && op.type !== 'sleep' && op.type !== 'log') problems.push(`type must be invoke, sleep or log (got ${JSON.stringify(op.type)})`);
    if (!this.processes.has(op.thread)) problems.push(`thread ${JSON.stringify(op.thread)} does not exist (threads: ${this.threads.join(', ')})`);
    else if (this.busy.has(op.thread)) {
      const b = this.busy.get(op.thread)!;
      problems.push(`thread ${op.thread} is busy${b === 'sleep' ? ' sleeping' : ` with op ${b.index} (${b.f})`}`);
    }
    if (op.type === 'invoke' && (typeof op.f !== 'string' || op.f === '')) problems.push(`f must be a non-empty string (got ${JSON.stringify(op.f)})`);
    if (typeof op.time !== 'number' || !Number.isFinite(op.time)) problems.push(`time must be a finite number of ns (got ${op.time})`);
    if (op.type === 'sleep' && !(typeof op.value === 'number' && op.value >= 0 && Number.isFinite(op.value))) problems.push(`a sleep's value must be a duration in ns >= 0 (got ${JSON.stringify(op.value)})`);
    if (op.key !== undefined && typeof op.key !== 'string' && typeof op.key !== 'number') problems.push(`key must be a string or number (got ${typeof op.key})`);
    if (problems.length > 0) {
      throw new GeneratorError(`generator emitted a bad op ${describeOp(op)}: ${problems.join('; ')}`);
    }
  }
}

function describeOp(op: GenOp): string {
  try {
    return JSON.stringify({ type: op.type, f: op.f, value: op.value, key: op.key, thread: op.thread });
  } catch {
    return `(f=${String(op.f)})`;
  }
}
