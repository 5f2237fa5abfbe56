import type { Nemesis, NemesisContext } from '../nemesis.ts';
import type { Client, Completion } from '../client.ts';
import type { Op, Process } from '../history/op.ts';
import { checkCompletion, ContractError, describe } from './contract.ts';
import { errorText } from '../errors.ts';


/** Runs the ops of one thread. The interpreter never calls `invoke` twice at once on a worker. */
export interface Worker {
  /** The node this worker talks to, recorded on its ops. */
  readonly node?: string;
  invoke(op: Op): Promise<Completion>;
  /** The op in flight was given up on (no completion in time): don't reuse its connection. */
  abandon?(): void;
  close?(): Promise<void>;
}

/**
 * One client thread, bound to one node. A client is opened per process (Jepsen): when the thread
 * continues under a new process id after an `info`, the old client is closed and a fresh one
 * opened, so a connection in an unknown state is never reused. An open that fails makes the op
 * `fail` (nothing was sent); an exception from `invoke` makes it `info`; a malformed completion
 * is a {@link ContractError}.
 */
export class ClientWorker implements Worker {
  private client: Client | undefined;
  private process: Process | undefined;

  constructor(
    readonly node: string,
    private readonly make: () => Client,
    private readonly open: (client: Client, node: string) => Promise<void>,
    private readonly who: string,
  ) {}

  /** Opens the client for `process` ahead of its first op; failures are left for `invoke` to retry. */
  async warm(process: Process): Promise<string | undefined> {
    try {
      await this.ensureOpen(process);
      return undefined;
    } catch (err) {
      return errorText(err);
    }
  }

  async invoke(op: Op): Promise<Completion> {
    try {
      await this.ensureOpen(op.process);
    } catch (err) {
      return { type: 'fail', error: `client could not be opened on ${this.node}: ${errorText(err)}` };
    }
    let raw: unknown;
    try {
      // A copy, so a client that mutates its argument cannot rewrite the recorded history.
      const value = typeof op.value === 'object' && op.value !== null ? structuredClone(op.value) : op.value;
      raw = await this.client!.invoke(op.key === undefined ? { f: op.f, value } : { f: op.f, value, key: op.key });
    } catch (err) {
      if (err instanceof ContractError) throw err;
      return { type: 'info', error: errorText(err) };
    }
    return checkCompletion(raw, op, this.who);
  }

  abandon(): void {
    // The stuck client is closed in the background; the next op opens a fresh one.
    const stuck = this.client;
    this.client = undefined;
    this.process = undefined;
    if (stuck) void stuck.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.process = undefined;
    if (c) await c.close();
  }

  private async ensureOpen(process: Process): Promise<void> {
    if (this.client && this.process === process) return;
    if (this.client) {
      const old = this.client;
      this.client = undefined;
      await old.close().catch(() => undefined);
    }
    const c = this.make();
    try {
      await this.open(c, this.node);
    } catch (err) {
      await c.close().catch(() => undefined);
      throw err;
    }
    this.client = c;
    this.process = process;
  }
}

/**
 * The nemesis thread. Every op completes as `info` whose value is what the nemesis reports it
 * did; a thrown error is recorded and the schedule goes on.
 */
export class NemesisWorker implements Worker {
  constructor(
    private readonly nemesis: Nemesis,
    private readonly ctx: NemesisContext,
  ) {}

  async invoke(op: Op): Promise<Completion> {
    let raw: unknown;
    try {
      raw = await this.nemesis.invoke({ f: op.f, value: op.value }, this.ctx);
    } catch (err) {
      return { type: 'info', error: errorText(err) };
    }
    if (typeof raw !== 'object' || raw === null || !('value' in raw)) {
      throw new ContractError(`nemesis returned a bad result for op ${op.index} (${describe(op)}): expected { value, error? } saying what was done, got ${JSON.stringify(raw) ?? String(raw)}`);
    }
    const r = raw as { value: unknown; error?: unknown };
    if (r.error !== undefined && typeof r.error !== 'string') {
      throw new ContractError(`nemesis returned a bad result for op ${op.index} (${describe(op)}): error must be a string`);
    }
    return r.error === undefined ? { type: 'info', value: r.value ?? null } : { type: 'info', value: r.value ?? null, error: r.error };
  }
}
