import type { Cluster } from './cluster.ts';
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
