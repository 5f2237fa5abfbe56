import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdirSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { posix } from 'node:path';
import { finished } from 'node:stream/promises';
import tarFs from 'tar-fs';
import type { Cluster, ExecOptions, ExecResult, NodeInfo, Signal } from '../harness/cluster.ts';
import { InputError } from '../harness/errors.ts';
import { onShutdown } from '../harness/shutdown.ts';
import { HostConnection, type HostKeyPolicy, type RunOptions, type RunResult } from './connection.ts';
import { chainTag, restoreChainNames, translateNetCommand } from './host-net.ts';
import { defaultKnownHosts, type Inventory, type InventoryHost } from './inventory.ts';
import { hostProblems, probeHost, rootPrefix, runsBase, type HostFacts } from './preflight.ts';
import { SCRIPTS } from './remote-scripts.ts';
import { envHeader, scriptCommand } from './shell.ts';

export interface SshClusterOptions extends Partial<HostKeyPolicy> {
  inventory: Inventory;
  /** Defaults to a fresh `<base36 time>-<hex>`; letters, digits, `.`, `_`, `-`. */
  runId?: string;
  /** The run will inject network faults: check now that every host has root (or sudo) and iptables. */
  faults?: boolean;
  /**
   * Who runs this controller, recorded in each host's run.json so that `cleanHosts` can tell a
   * live run from one whose controller died (the CLI passes the labels its Docker runs carry).
   */
  controller?: Record<string, string>;
  log?: (line: string) => void;
  /** How long connecting and logging in to one host may take (default 10 s). */
  readyTimeoutMs?: number;
}

/** Exec calls without a timeout of their own give up after this long rather than hang a run (as in Docker). */
const DEFAULT_EXEC_TIMEOUT_MS = 120_000;
/** The remote `timeout` fires this long after the controller's own timer, as a backstop only. */
const BACKSTOP_MS = 5_000;
const SCRIPT_TIMEOUT_MS = 30_000;

interface Host {
  readonly info: InventoryHost;
  readonly conn: HostConnection;
  readonly facts: HostFacts;
  /** The address the other hosts reach it at. */
  readonly ip: string;
  /** How a command gets root there, or undefined: no root (not root, no sudo). */
  readonly root: string[] | undefined;
  /** The run directory: everything the run creates on the host lives under it. */
  readonly dir: string;
}

interface ProcessEntry {
  pid: number;
  cmdline: string;
}

/**
 * A run's nodes as machines reached over SSH (Cluster's second backend). One connection per host,
 * commands as channels on it. Everything the run creates on a host lives in a run directory of its
 * own (`/var/lib/faultline/runs/<runId>`, or `~/.faultline/runs/<runId>` for a user other than
 * root): the records of the processes it started, their output, run.json. Network faults use
 * iptables chains named for the run (ssh/host-net.ts). `teardown` kills the run's processes,
 * deletes its chains and removes the run directory; `cleanHosts` does the same for a run whose
 * controller died.
 *
 * Where a host differs from a container:
 * - `signal`, `countProcesses`, `pause` see only the processes this run started (a host runs
 *   other software, other runs among it), never the whole machine;
 * - `pause` SIGSTOPs the run's background process trees (a plain host has no cgroup freezer a
 *   run may use), waiting until every thread is stopped; `unpause` SIGCONTs them;
 * - with `sudo: true` (or as root) commands run as root, as in a container; otherwise as the
 *   login user, and `user:` other than that user is refused.
 */
export class SshCluster implements Cluster {
  readonly nodes: readonly NodeInfo[];
  private seq = 0;
  private done?: Promise<void>;
  private readonly unregister: () => void;
  private readonly tag: string;

  private constructor(
    readonly runId: string,
    private readonly hosts: ReadonlyMap<string, Host>,
  ) {
    this.nodes = [...hosts.values()].map((h) => ({ name: h.info.name, ip: h.ip }));
    this.tag = chainTag(runId);
    this.unregister = onShutdown(`tear down SSH hosts of run ${runId}`, () => this.teardown());
  }

  /**
   * Connects to every host (verifying host keys), checks each can do what the run needs, and only
   * then creates the run directories. Every problem with every host is reported at once as an
   * InputError naming the hosts, before anything is created on any of them.
   */
  static async connect(options: SshClusterOptions): Promise<SshCluster> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const runId = options.runId ?? `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(runId)) throw new InputError(`run id ${JSON.stringify(runId)} may only hold letters, digits, '.', '_' and '-'`);
    const policy: HostKeyPolicy = {
      knownHostsFile: options.knownHostsFile ?? options.inventory.knownHosts ?? defaultKnownHosts(),
      acceptNewHostKeys: options.acceptNewHostKeys ?? false,
    };
    const needs = { faults: options.faults ?? false };
    const hosts = options.inventory.hosts;
    const problems: string[] = [];
    const opened = await Promise.allSettled(hosts.map((h) => HostConnection.open(h, { ...policy, log, readyTimeoutMs: options.readyTimeoutMs })));
    const conns = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      for (const r of opened) if (r.status === 'rejected') problems.push((r.reason as Error).message);
      const ips = new Map<string, string>();
      await Promise.all(
        hosts.map(async (h) => {
          try {
            ips.set(h.name, await hostIp(h));
          } catch (err) {
            problems.push((err as Error).message);
          }
        }),
      );
      const facts = await Promise.all(conns.map((c) => probeHost(c, needs).catch((err: Error) => (problems.push(`${c.label}: ${err.message}`), undefined))));
      const known = facts.filter((f): f is HostFacts => f !== undefined);
      if (problems.length === 0) problems.push(...hostProblems(known, ips, needs));
      if (problems.length > 0) throw new InputError(`cannot run on these hosts:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      const map = new Map<string, Host>();
      for (const f of known) {
        const conn = conns.find((c) => c.host === f.host)!;
        map.set(f.host.name, { info: f.host, conn, facts: f, ip: ips.get(f.host.name)!, root: rootPrefix(f), dir: `${runsBase(f)}/${runId}` });
      }
      const cluster = new SshCluster(runId, map);
      await cluster.createRunDirs(options.controller ?? {}).catch(async (err: Error) => {
        await cluster.teardown().catch((e: Error) => log(`cleanup after a failed start also failed: ${e.message}`));
        throw err;
      });
      return cluster;
    } catch (err) {
      for (const c of conns) c.close();
      throw err;
    }
  }

  async exec(node: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.launch(node, argv, options);
    return { exitCode: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  }

  async netExec(node: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const host = this.host(node);
    if (host.root === undefined) throw new Error(`netExec on ${node} needs root, and ${host.facts.user} is not root and has no sudo (set sudo: true for it in the inventory)`);
    const peers = [...this.hosts.values()].filter((h) => h !== host).map((h) => h.ip);
    const command = translateNetCommand(argv, options.stdin, { node, tag: this.tag, peers, controller: host.facts.controller });
    const r = await this.exec(node, command.argv, { ...options, user: undefined, stdin: command.stdin ?? options.stdin });
    return { exitCode: r.exitCode, stdout: restoreChainNames(r.stdout, this.tag), stderr: restoreChainNames(r.stderr, this.tag) };
  }

  async signal(node: string, pattern: string, signal: Signal): Promise<number> {
    const pids = (await this.matching(node, pattern)).map((p) => String(p.pid));
    if (pids.length === 0) return 0;
    const r = await this.script(this.host(node), SCRIPTS.signal, [signal, ...pids]);
    return Number.parseInt(r.stdout.toString().trim(), 10) || 0;
  }

  async countProcesses(node: string, pattern: string): Promise<number> {
    return (await this.matching(node, pattern)).length;
  }

  /** SIGSTOPs every process of the run's background sessions on `node` and waits until all are stopped. */
  async pause(node: string): Promise<void> {
    await this.script(this.host(node), SCRIPTS.tree, ['STOP']);
  }

  async unpause(node: string): Promise<void> {
    await this.script(this.host(node), SCRIPTS.tree, ['CONT']);
  }

  async writeFile(node: string, path: string, content: string | Buffer): Promise<void> {
    if (!path.startsWith('/')) throw new Error(`writeFile needs an absolute path, got ${path}`);
    // Written beside the target and renamed over it, so a reader never sees half a file.
    const write = 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1.faultline-tmp" && mv -f -- "$1.faultline-tmp" "$1"';
    const r = await this.launch(node, ['/bin/sh', '-c', write, 'sh', path], { stdin: content, timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new Error(`writing ${path} on ${node} failed: ${firstLine(r.stderr)}`);
  }

  async readFile(node: string, path: string): Promise<Buffer> {
    const r = await this.launch(node, ['cat', '--', path], { timeoutMs: 60_000 });
    if (r.exitCode === 0) return r.stdout;
    const why = firstLine(r.stderr);
    if (/No such file/i.test(why)) throw new Error(`no ${path} on ${node}`);
    if (/Is a directory/i.test(why)) throw new Error(`${path} on ${node} is not a regular file`);
    throw new Error(`reading ${path} on ${node} failed: ${why}`);
  }

  async copyOut(node: string, path: string, destDir: string): Promise<void> {
    if (!path.startsWith('/')) throw new Error(`copyOut needs an absolute path, got ${path}`);
    mkdirSync(destDir, { recursive: true });
    // Files land owned by the controller and readable, whatever their owner was on the host.
    const extract = tarFs.extract(destDir, { chown: false, readable: true, writable: true } as tarFs.ExtractOptions);
    const r = await this.launch(node, ['tar', '-C', posix.dirname(path), '-cf', '-', '--', posix.basename(path)], { timeoutMs: 600_000 }, extract);
    await finished(extract).catch(() => undefined);
    if (r.exitCode !== 0) {
      const why = firstLine(r.stderr);
      throw new Error(/No such file/i.test(why) ? `no ${path} on ${node}` : `copying ${path} from ${node} failed: ${why}`);
    }
  }

  /** Kills the run's processes, deletes its chains, removes its run directories. Idempotent. */
  teardown(): Promise<void> {
    this.done ??= (async () => {
      const failures: string[] = [];
      await Promise.all(
        [...this.hosts.values()].map(async (h) => {
          try {
            const r = await this.script(h, SCRIPTS.teardown, [this.tag]);
            const left = /left=(\d+)/.exec(r.stdout.toString())?.[1];
            if (left !== undefined && left !== '0') failures.push(`${h.info.name}: ${left} processes still there after SIGKILL`);
          } catch (err) {
            failures.push(`${h.info.name}: ${(err as Error).message}`);
          }
        }),
      );
      if (failures.length > 0) throw new Error(`tearing down run ${this.runId} left things behind (faultline clean --inventory removes them): ${failures.join('; ')}`);
      for (const h of this.hosts.values()) h.conn.close();
      this.unregister();
    })();
    // A failed attempt (a host unreachable for a moment) may be retried.
    this.done.catch(() => (this.done = undefined));
    return this.done;
  }

  /** The run directory on `node` (processes' output is in its `logs/`). */
  runDir(node: string): string {
    return this.host(node).dir;
  }

  /** The controller's address as `node` sees it: the one address faults never touch there. */
  controllerAddress(node: string): string {
    return this.host(node).facts.controller;
  }

  private async createRunDirs(controller: Record<string, string>): Promise<void> {
    await Promise.all(
      [...this.hosts.values()].map(async (h) => {
        const record = { runId: this.runId, tag: this.tag, node: h.info.name, created: new Date().toISOString(), bootId: h.facts.bootId, controller };
        const r = await h.conn.run(scriptCommand(SCRIPTS.setup, [h.dir], h.root ?? []), { stdin: `${JSON.stringify(record)}\n`, timeoutMs: SCRIPT_TIMEOUT_MS, what: 'creating the run directory' });
        if (r.exitCode !== 0) throw new Error(`${h.info.name}: cannot create the run directory ${h.dir}: ${firstLine(r.stderr)}`);
      }),
    );
  }

  /** Runs `argv` on `node` under the launcher (scripts/launch.sh), with stdout streamed to `sink` when given. */
  private async launch(node: string, argv: readonly string[], options: Omit<ExecOptions, 'stdin'> & { stdin?: string | Buffer }, sink?: NodeJS.WritableStream): Promise<RunResult> {
    const host = this.host(node);
    if (argv.length === 0) throw new Error(`exec on ${node} needs a command`);
    const runsAs = host.root === undefined ? host.facts.user : 'root';
    const as = options.user === undefined || options.user === runsAs ? '' : options.user;
    if (as !== '' && host.root === undefined) throw new Error(`exec as ${as} on ${node} needs root, and ${host.facts.user} is not root and has no sudo (set sudo: true for it in the inventory)`);
    const id = String(++this.seq);
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const mode = options.detach ? 'bg' : 'fg';
    const command = scriptCommand(SCRIPTS.launch, [host.dir, mode, id, String((timeoutMs + BACKSTOP_MS) / 1000), as, ...argv], host.root ?? []);
    const stdin = Buffer.concat([Buffer.from(envHeader(options.env)), Buffer.from(options.stdin ?? '')]);
    const what = `exec ${argv.join(' ').slice(0, 200)}`;
    const run: RunOptions = options.detach
      ? { stdin, timeoutMs: SCRIPT_TIMEOUT_MS, what }
      : { stdin, timeoutMs, what, stdout: sink as RunOptions['stdout'], onTimeout: () => this.script(host, SCRIPTS.killForeground, [id], true).then(() => undefined) };
    const r = await host.conn.run(command, run);
    // 125 with faultline's own message: the launcher itself could not run the command.
    if (r.exitCode === 125 && r.stderr.toString().startsWith('faultline: ')) throw new Error(`${what} on ${node}: ${firstLine(r.stderr).replace(/^faultline: /, '')}`);
    if (options.detach) {
      if (r.exitCode !== 0) throw new Error(`starting ${argv[0]} on ${node} in the background failed (exit ${r.exitCode}): ${firstLine(r.stderr)}`);
      return { exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
    }
    return r;
  }

  /** Runs one of faultline's scripts with the run directory as its first argument; fails on a non-zero exit. */
  private async script(host: Host, script: string, args: readonly string[], urgent = false): Promise<RunResult> {
    const r = await host.conn.run(scriptCommand(script, [host.dir, ...args], host.root ?? []), { timeoutMs: SCRIPT_TIMEOUT_MS, what: 'a faultline script', urgent });
    if (r.exitCode !== 0) throw new Error(`${host.info.name}: ${firstLine(r.stderr) || `exit ${r.exitCode}`}`);
    return r;
  }

  private async matching(node: string, pattern: string): Promise<ProcessEntry[]> {
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch {
      throw new Error(`process pattern ${JSON.stringify(pattern)} is not a regular expression`);
    }
    const r = await this.script(this.host(node), SCRIPTS.list, []);
    return parseProcessList(r.stdout.toString()).filter((p) => re.test(p.cmdline));
  }

  private host(node: string): Host {
    const h = this.hosts.get(node);
    if (!h) throw new Error(`no node ${JSON.stringify(node)} in run ${this.runId} (nodes: ${[...this.hosts.keys()].join(', ')})`);
    return h;
  }
}

/** `PID ARG\x01ARG\x01\x02…` (scripts/list.sh) → processes with their command lines as `pgrep -f` sees them. */
export function parseProcessList(text: string): ProcessEntry[] {
  return text
    .split('\x02')
    .map((rec) => {
      const sp = rec.indexOf(' ');
      return { pid: Number(rec.slice(0, sp)), cmdline: rec.slice(sp + 1).replace(/\x01+$/, '').replace(/\x01/g, ' ') };
    })
    .filter((p) => Number.isInteger(p.pid) && p.pid > 0 && p.cmdline !== '');
}

/** The address the other hosts reach `host` at: `ip`, or `address` resolved here (IPv4). */
async function hostIp(host: InventoryHost): Promise<string> {
  if (host.ip !== undefined) return host.ip;
  if (isIPv4(host.address)) return host.address;
  try {
    return (await lookup(host.address, { family: 4 })).address;
  } catch (err) {
    throw new Error(`${host.name} (${host.address}): the address does not resolve to an IPv4 address (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function firstLine(b: Buffer | string): string {
  return b.toString().trim().split('\n')[0] ?? '';
}
