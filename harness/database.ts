import type { Client } from './client.ts';
import type { Cluster } from './cluster.ts';
import type { TestSpec } from './test-spec.ts';

/**
 * A database under test (Jepsen's DB protocol). `setup` must leave a fresh, healthy cluster (new
 * data dirs) or throw a specific error ("etcd on n3 not healthy after 30000 ms; last log line:
 * …"); `teardown` stops it. Optional powers (Kill, Pause, Primary, LogFiles) are separate
 * interfaces a database may also implement.
 */
export interface Database {
  readonly name: string;
  /** Docker image folder under docker/ (e.g. `etcd`) the nodes run. */
  readonly image: string;
  setup(cluster: Cluster, test: TestSpec): Promise<void>;
  teardown(cluster: Cluster, test: TestSpec): Promise<void>;
  /** Versions to record in test.json, e.g. `{ etcd: '3.4.23' }`. */
  versions?(cluster: Cluster): Promise<Record<string, string>>;
  /**
   * The clients this database brings, by workload name (`{ register: () => new EtcdRegisterClient() }`):
   * a database says which workloads it speaks. A workload may also bring a generic client for a
   * capability the database offers (every SQL workload, for a database with `sql`).
   */
  readonly clients?: Readonly<Record<string, () => Client>>;
}

/**
 * A {@link Database.versions} read from a command's output on the first node: `pattern`'s first
 * group, recorded under `name` (nothing when there is no node or the output does not match).
 */
export async function versionFromCommand(cluster: Cluster, name: string, argv: string[], pattern: RegExp): Promise<Record<string, string>> {
  const node = cluster.nodes[0];
  if (!node) return {};
  const r = await cluster.exec(node.name, argv, { timeoutMs: 10_000 });
  const version = pattern.exec(r.stdout)?.[1];
  return version ? { [name]: version } : {};
}

export interface Killable {
  /** SIGKILL the database process on `node`. */
  kill(cluster: Cluster, node: string): Promise<void>;
  /** Start it again (same data dir). */
  start(cluster: Cluster, node: string): Promise<void>;
}

export interface Pausable {
  pause(cluster: Cluster, node: string): Promise<void>;
  resume(cluster: Cluster, node: string): Promise<void>;
}

export interface HasPrimary {
  /** Nodes that currently believe they lead (may be several during a partition). */
  primaries(cluster: Cluster): Promise<string[]>;
}

export interface LogFiles {
  /** Paths inside the node to copy to `store/…/nodes/<node>/`. */
  logFiles(node: string): string[];
}

/** Whether the database's binaries honour libfaketime (Go binaries do not: they use the vDSO). */
export interface ClockAware {
  readonly honoursFaketime: boolean;
  /** Why not, in one sentence, when `honoursFaketime` is false. */
  readonly clockReason?: string;
}

export type FullDatabase = Database & Partial<Killable & Pausable & HasPrimary & LogFiles & ClockAware>;

/**
 * A database as registered by name (`--db etcd`): a fresh instance per run, since a database may
 * keep what it read from the test (its options, whether it runs under libfaketime).
 */
export interface DatabaseDefinition {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  create(): FullDatabase;
}
