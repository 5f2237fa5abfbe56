import { fileURLToPath } from 'node:url';
import type { Client } from './client.ts';
import type { Cluster } from './cluster.ts';
import type { TestSpec } from './test-spec.ts';
import { refuseProblems } from './errors.ts';

/**
 * Where a database's node containers come from: a build context (a folder with a Dockerfile,
 * `FROM debian:bookworm-slim` on machines without a registry; built again only when a file in it
 * changes, tagged `faultline/<name>:<content hash>`), or the name of an image the engine has or
 * can pull. Either way faultline starts each node with its own init and keep-alive and runs the
 * database beside it (the image's entrypoint is not used).
 */
export type NodeImage = { readonly name: string; readonly context: string } | { readonly ref: string };

/** A build context: `folder` is a path or a file URL (`new URL('./store/', import.meta.url)` for one beside the module). */
export function buildContext(name: string, folder: string | URL): NodeImage {
  return { name, context: folder instanceof URL || folder.startsWith('file:') ? fileURLToPath(folder).replace(/(.)\/$/, '$1') : folder };
}

/**
 * A database under test (Jepsen's DB protocol). `setup` must leave a fresh, healthy cluster (new
 * data dirs) or throw a specific error ("etcd on n3 not healthy after 30000 ms; last log line:
 * …"); `teardown` stops it. Optional powers (Kill, Pause, Primary, LogFiles) are separate
 * interfaces a database may also implement.
 */
export interface Database {
  readonly name: string;
  /** The image the nodes run. */
  readonly image: NodeImage;
  setup(cluster: Cluster, test: TestSpec): Promise<void>;
  teardown(cluster: Cluster, test: TestSpec): Promise<void>;
  /** Versions to record in test.json, e.g. `{ etcd: '3.4.23' }`. */
  versions?(cluster: Cluster): Promise<Record<string, string>>;
  /**
   * The clients this database brings, by workload name (`{ register: etcdRegisterClient }`, made by defineClient):
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

/**
 * A database for `--db` or a test file, checked at the boundary (STYLE.md #3): one error naming
 * every problem. Typed identity otherwise: the built-in databases are defined with it too.
 */
export function defineDatabase(definition: DatabaseDefinition): DatabaseDefinition {
  refuseProblems(`database ${JSON.stringify(definition?.name ?? '?')}`, definitionProblems(definition));
  return definition;
}

/** Every problem of a database definition, one line each naming the field (empty when it is fine). */
export function definitionProblems(definition: Partial<DatabaseDefinition>): string[] {
  const problems: string[] = [];
  if (typeof definition?.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(definition.name)) problems.push(`name must be lower-case letters, digits, '.', '_' or '-' (got ${JSON.stringify(definition?.name)})`);
  if (typeof definition?.description !== 'string') problems.push('description must be a string (one line for --help)');
  if (typeof definition?.create !== 'function') problems.push('create must be a function returning the database (setup, teardown, image…)');
  return problems;
}

/** The problems of a database `create()` returned, one line each (empty when fine). */
export function databaseProblems(db: FullDatabase): string[] {
  const problems: string[] = [];
  const image = db.image as Partial<{ name: unknown; context: unknown; ref: unknown }> | undefined;
  if (typeof db.name !== 'string' || db.name === '') problems.push('name must be a non-empty string');
  if (typeof image !== 'object' || image === null) problems.push('image must be { name, context } (a build context folder) or { ref } (an image name)');
  else if ('ref' in image ? typeof image.ref !== 'string' || image.ref === '' : typeof image.name !== 'string' || typeof image.context !== 'string') {
    problems.push('image must be { name, context } (a build context folder) or { ref } (an image name)');
  }
  for (const f of ['setup', 'teardown'] as const) if (typeof db[f] !== 'function') problems.push(`${f} must be a function`);
  for (const [a, b] of [['kill', 'start'], ['pause', 'resume']] as const) {
    if ((typeof db[a] === 'function') !== (typeof db[b] === 'function')) problems.push(`${a} and ${b} come together (one without the other cannot heal)`);
  }
  for (const [workload, make] of Object.entries(db.clients ?? {})) if (typeof make !== 'function') problems.push(`clients.${workload} must be a function that makes a client`);
  return problems;
}
