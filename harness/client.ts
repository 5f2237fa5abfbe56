import { findNode, type Cluster, type NodeInfo } from './cluster.ts';
import { InputError } from './errors.ts';
import type { OpType } from './history/op.ts';
import type { TestSpec } from './test-spec.ts';

/** What a generator asks a client to do. */
export interface Invocation {
  f: string;
  value: unknown;
  key?: string | number;
}

/** What the client says happened. */
export interface Completion {
  type: Exclude<OpType, 'invoke'>;
  /** Required for `ok` (null for none); a `fail` or `info` without one keeps the invoked value. */
  value?: unknown;
  error?: string;
  /** The node that served the op, when not the one the client was opened on. */
  node?: string;
}

/**
 * A client (Jepsen's Client protocol). `open` binds to one node and must not change the logical
 * state of the test. `invoke` returns `ok` (took effect), `fail` (certainly did not) or `info`
 * (may have); an exception thrown by `invoke` is recorded as `info` and the worker continues
 * under a new process id. `setup` runs once before the workload (create tables, keys).
 */
export interface Client {
  open(cluster: Cluster, test: TestSpec, node: string, run?: ClientRun): Promise<void>;
  setup?(): Promise<void>;
  invoke(op: Invocation): Promise<Completion>;
  close(): Promise<void>;
}

/**
 * The node client thread `thread` talks to: threads are dealt round-robin over the nodes, so
 * threads 0…nodes-1 cover every node once (a workload's final reads rely on it).
 */
export function clientNodeIndex(thread: number, nodeCount: number): number {
  return thread % nodeCount;
}

/** What a client may know about the run beyond the test: where its files go. */
export interface ClientRun {
  /** The run's store folder (`store/<test>/<time>/`), for state a client must keep durably (a 2PC coordinator's decision log). */
  dir: string;
}

/** Where a client opened by {@link defineClient} talks to, and what it may read. */
export interface ClientTarget {
  readonly cluster: Cluster;
  readonly test: TestSpec;
  /** The node this client talks to (its name and fixed address). */
  readonly node: NodeInfo;
  readonly run?: ClientRun;
}

/**
 * A client as plain functions over a connection of type `C` (what `open` returns): no class, no
 * state to keep but the connection. `invoke` follows {@link Client}'s contract: `ok`, `fail`
 * (certainly not applied) or `info` (may have been); a throw is recorded as `info`.
 */
export interface ClientFunctions<C> {
  /** What a client of this kind is called in errors ("own-store register client"). */
  readonly name: string;
  open(target: ClientTarget): Promise<C> | C;
  /** Once before the workload, on one client (create tables, keys). */
  setup?(connection: C): Promise<void>;
  invoke(connection: C, op: Invocation): Promise<Completion>;
  close?(connection: C): Promise<void> | void;
}

/**
 * Makes a client factory (what a database's `clients` map holds) from plain functions. Each call
 * of the factory makes one client, opened on one node by one worker.
 */
export function defineClient<C>(functions: ClientFunctions<C>): () => Client {
  if (typeof functions?.open !== 'function' || typeof functions.invoke !== 'function') {
    throw new InputError(`client ${JSON.stringify(functions?.name ?? '?')}: open and invoke must be functions`);
  }
  return () => new FunctionClient(functions);
}

class FunctionClient<C> implements Client {
  private connection: { value: C } | undefined;
  private node = '(not open)';

  /** Only when the functions have one: a client without `setup` is not opened just to skip it. */
  readonly setup?: () => Promise<void>;

  constructor(private readonly fns: ClientFunctions<C>) {
    const setup = fns.setup;
    if (setup) this.setup = () => setup(this.opened());
  }

  async open(cluster: Cluster, test: TestSpec, node: string, run?: ClientRun): Promise<void> {
    this.node = node;
    this.connection = { value: await this.fns.open({ cluster, test, node: findNode(cluster, node), ...(run === undefined ? {} : { run }) }) };
  }

  invoke(op: Invocation): Promise<Completion> {
    return this.fns.invoke(this.opened(), op);
  }

  async close(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    if (c) await this.fns.close?.(c.value);
  }

  private opened(): C {
    if (!this.connection) throw new Error(`${this.fns.name}: used before open`);
    return this.connection.value;
  }

  toString(): string {
    return `${this.fns.name} on ${this.node}`;
  }
}
