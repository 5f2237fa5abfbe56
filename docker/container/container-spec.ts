import type { Client } from '../../harness/client.ts';
import type { NodeInfo } from '../../harness/cluster.ts';

/**
 * When a node counts as started: a TCP connect, an HTTP GET answered with 2xx, or a command in the
 * node that exits 0 (it may use the placeholders, as `start` does).
 */
export type ReadyProbe = { readonly tcp: true } | { readonly http: string } | { readonly command: string | readonly string[] };

/**
 * A database that is one process per node in a container image of the user's, declared as data
 * (docker/container/container-database.ts turns it into a database). Strings in `start` and `env`
 * may use `{{node}}` (n2), `{{ip}}` (the node's address), `{{port}}`, `{{peers}}` (the other nodes
 * as `n1=10.213.7.11:8080,…`), `{{nodes}}` (every node, this one included) and `{{dataDir}}`.
 */
export interface ContainerSpec {
  /** The database's name (`--db` in test.json, the image's name); lower-case letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** One line for `--help` and the report. */
  readonly description?: string;
  /**
   * A build context — a folder (path or file URL) with a Dockerfile, `FROM debian:bookworm-slim`
   * where no registry is reachable — or the name of an image the engine has or can pull.
   */
  readonly image: { readonly context: string | URL } | { readonly ref: string };
  /** What each node runs: argv, or one shell command line (run with `sh -c`, as `exec`). */
  readonly start: string | readonly string[];
  /** Environment of the process (values may use the placeholders). */
  readonly env?: Readonly<Record<string, string>>;
  /** The user the process runs as (default root). */
  readonly user?: string;
  /** A folder made empty (and the user's) on every node before the first start. */
  readonly dataDir?: string;
  /** The port clients and the readiness probe use (`{{port}}`). */
  readonly port: number;
  /** When a (re)started node is ready (default: a TCP connect to `port`). */
  readonly ready?: ReadyProbe;
  /** How long a node may take to become ready after a (re)start (default 30000 ms). */
  readonly readyTimeoutMs?: number;
  /**
   * A regular expression matching the command line of every process of the database in the node
   * (kill and pause signal these). Default: the start command's program, `^node( |$)` for
   * `node /app/store.mjs …`.
   */
  readonly process?: string;
  /** Files in the node to copy into the run folder besides the process's own output. */
  readonly logFiles?: readonly string[];
  /** The signal that stops it gracefully at the end (default TERM; killed 10 s later if it stays). */
  readonly stopSignal?: 'TERM' | 'INT';
  /**
   * The image has libfaketime at /usr/local/lib/libfaketime.so.1 (`apt-get install libfaketime`
   * and a symlink), so the clock nemesis can skew it. Programs that read the clock through the
   * vDSO (Go) ignore libfaketime: leave this off for them.
   */
  readonly clock?: boolean;
  /** Which nodes currently lead, for the `primaries` fault selector; leave out when it has no such notion. */
  readonly primaries?: (nodes: readonly NodeInfo[]) => readonly string[] | Promise<readonly string[]>;
  /** The clients this database brings, by workload name (`{ register: defineClient({…}) }`). */
  readonly clients?: Readonly<Record<string, () => Client>>;
}

/** The placeholders a ContainerSpec's strings may use. */
export const PLACEHOLDERS = ['node', 'ip', 'port', 'peers', 'nodes', 'dataDir'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g;

/** The placeholders `template` uses, in order. */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** `template` with every `{{name}}` replaced by `values[name]` (names were checked when the spec was made). */
export function substitute(template: string, values: Readonly<Record<Placeholder, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? values[name as Placeholder] : whole));
}

/** The placeholder values on `node` of a cluster of `nodes`. */
export function placeholderValues(node: NodeInfo, nodes: readonly NodeInfo[], port: number, dataDir: string): Record<Placeholder, string> {
  const address = (n: NodeInfo) => `${n.name}=${n.ip}:${port}`;
  return {
    node: node.name,
    ip: node.ip,
    port: String(port),
    peers: nodes.filter((n) => n.name !== node.name).map(address).join(','),
    nodes: nodes.map(address).join(','),
    dataDir,
  };
}

/** The process pattern when the spec gives none: the program the start command runs. */
export function defaultProcessPattern(start: string | readonly string[]): string {
  const program = typeof start === 'string' ? (start.trim().split(/\s+/)[0] ?? '') : (start[0] ?? '');
  return `^${program.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |$)`;
}

/** Every problem of a spec, one line each naming the field (empty when it is fine). */
export function containerSpecProblems(spec: Partial<ContainerSpec>): string[] {
  const problems: string[] = [];
  const known = `known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`;
  const checkTemplate = (field: string, text: string) => {
    for (const p of placeholdersIn(text)) if (!(PLACEHOLDERS as readonly string[]).includes(p)) problems.push(`${field}: unknown placeholder {{${p}}} (${known})`);
  };
  if (typeof spec.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(spec.name)) problems.push(`name must be lower-case letters, digits, '.', '_' or '-' (got ${JSON.stringify(spec.name)})`);
  const image = spec.image as Partial<{ context: unknown; ref: unknown }> | undefined;
  if (typeof image !== 'object' || image === null || (!('context' in image) && !('ref' in image))) {
    problems.push("image is missing: give { context: new URL('./folder-with-Dockerfile/', import.meta.url) } or { ref: 'an/image:tag' }");
  } else if ('ref' in image) {
    if (typeof image.ref !== 'string' || image.ref === '') problems.push('image.ref must be an image name');
  } else if (!(image.context instanceof URL) && (typeof image.context !== 'string' || !image.context.startsWith('/'))) {
    problems.push(`image.context must be an absolute path or a file URL (new URL('./folder/', import.meta.url)), got ${JSON.stringify(image.context)}`);
  }
  const start = spec.start as unknown;
  if (start === undefined) problems.push("start is missing: the command each node runs, e.g. 'my-server --name {{node}} --listen {{ip}}:{{port}} --peers {{peers}}'");
  else if (typeof start === 'string' ? start.trim() === '' : !Array.isArray(start) || start.length === 0 || !start.every((w) => typeof w === 'string')) {
    problems.push('start must be a command line (string) or a non-empty argv (array of strings)');
  } else for (const w of typeof start === 'string' ? [start] : (start as string[])) checkTemplate('start', w);
  for (const [k, v] of Object.entries(spec.env ?? {})) {
    if (typeof v !== 'string') problems.push(`env.${k} must be a string`);
    else checkTemplate(`env.${k}`, v);
  }
  if (!Number.isInteger(spec.port) || (spec.port as number) < 1 || (spec.port as number) > 65535) problems.push(`port must be an integer from 1 to 65535 (got ${JSON.stringify(spec.port)})`);
  if (spec.dataDir !== undefined && (typeof spec.dataDir !== 'string' || !spec.dataDir.startsWith('/') || spec.dataDir === '/')) problems.push(`dataDir must be an absolute path in the node other than / (got ${JSON.stringify(spec.dataDir)})`);
  if (spec.ready !== undefined) {
    const found = readyProblems(spec.ready);
    problems.push(...found);
    const command = (spec.ready as { command?: unknown }).command;
    if (found.length === 0 && command !== undefined) for (const w of typeof command === 'string' ? [command] : (command as string[])) checkTemplate('ready.command', w);
  }
  if (spec.readyTimeoutMs !== undefined && !(Number.isInteger(spec.readyTimeoutMs) && spec.readyTimeoutMs > 0)) problems.push('readyTimeoutMs must be a positive integer');
  if (spec.process !== undefined) {
    try {
      new RegExp(spec.process);
    } catch {
      problems.push(`process must be a regular expression (got ${JSON.stringify(spec.process)})`);
    }
  }
  for (const f of spec.logFiles ?? []) if (typeof f !== 'string' || !f.startsWith('/')) problems.push(`logFiles: ${JSON.stringify(f)} is not an absolute path`);
  if (spec.stopSignal !== undefined && spec.stopSignal !== 'TERM' && spec.stopSignal !== 'INT') problems.push('stopSignal must be "TERM" or "INT"');
  if (spec.primaries !== undefined && typeof spec.primaries !== 'function') problems.push('primaries must be a function of the nodes');
  for (const [w, make] of Object.entries(spec.clients ?? {})) if (typeof make !== 'function') problems.push(`clients.${w} must be a client factory (defineClient({…}))`);
  return problems;
}

function readyProblems(ready: ReadyProbe): string[] {
  const r = ready as Partial<{ tcp: unknown; http: unknown; command: unknown }>;
  const kinds = ['tcp', 'http', 'command'].filter((k) => k in r);
  if (kinds.length !== 1) return ["ready must be one of { tcp: true }, { http: '/path' }, { command: 'a command that exits 0 when ready' }"];
  if ('tcp' in r && r.tcp !== true) return ['ready.tcp must be true'];
  if ('http' in r && (typeof r.http !== 'string' || !r.http.startsWith('/'))) return [`ready.http must be a path starting with / (got ${JSON.stringify(r.http)})`];
  if ('command' in r && !(typeof r.command === 'string' ? r.command.trim() !== '' : Array.isArray(r.command) && r.command.length > 0)) return ['ready.command must be a command line or a non-empty argv'];
  return [];
}
