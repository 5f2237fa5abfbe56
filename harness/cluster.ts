/**
 * Node control behind one interface. Docker is the first backend (docker/docker-cluster.ts);
 * real hosts over SSH or a remote engine must slot in behind the same interface without touching
 * workloads or faults.
 */
export interface NodeInfo {
  /** `n1` … `nN`. */
  name: string;
  /** The node's fixed address on the run's network; the only addresses a run sends traffic to. */
  ip: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /**
   * Fail with a specific error when the command takes longer (the command is killed). The
   * Docker backend uses 120000 ms when none is given, so no exec can hang a run.
   */
  timeoutMs?: number;
  env?: Record<string, string>;
  stdin?: string;
  /** Start in the background and return at once (exitCode 0, empty output). */
  detach?: boolean;
  user?: string;
}

export type Signal = 'KILL' | 'TERM' | 'STOP' | 'CONT' | 'INT' | 'HUP';

export interface Cluster {
  /** Unique per run; every container, network and rule the run creates carries it as a label. */
  readonly runId: string;
  readonly nodes: readonly NodeInfo[];
  /** Runs `argv` inside the node (no shell unless argv asks for one). */
  exec(node: string, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs a host tool (iptables, tc, ip) inside the node's network namespace, so partition rules
   * never need tools or capabilities in the image and never touch the host's own rules.
   */
  netExec(node: string, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Sends a signal to every process in the node whose full command line matches `pattern` (a
   * regular expression, as `pgrep -f` takes; the node's init is never matched). Returns how many
   * processes were signalled.
   */
  signal(node: string, pattern: string, signal: Signal): Promise<number>;
  /** How many processes in the node match `pattern` (as for `signal`), without signalling them. */
  countProcesses(node: string, pattern: string): Promise<number>;
  /** Freezes / thaws every process of the node (cgroup freezer). */
  pause(node: string): Promise<void>;
  unpause(node: string): Promise<void>;
  writeFile(node: string, path: string, content: string | Buffer): Promise<void>;
  readFile(node: string, path: string): Promise<Buffer>;
  /**
   * Copies a file or folder out of the node into `destDir` on the controller (created if
   * missing): `/var/log/etcd/etcd.log` lands at `destDir/etcd.log`.
   */
  copyOut(node: string, path: string, destDir: string): Promise<void>;
  /** Removes everything the run created. Idempotent; safe to call from signal handlers. */
  teardown(): Promise<void>;
}

/** The node named `node`, or an error naming the nodes there are. */
export function findNode(cluster: Pick<Cluster, 'nodes'>, node: string): NodeInfo {
  const info = cluster.nodes.find((n) => n.name === node);
  if (!info) throw new Error(`no node ${JSON.stringify(node)} (nodes: ${cluster.nodes.map((n) => n.name).join(', ')})`);
  return info;
}
