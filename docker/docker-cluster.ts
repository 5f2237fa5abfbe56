import { randomBytes } from 'node:crypto';
import { mkdirSync, readlinkSync } from 'node:fs';
import { PassThrough, type Duplex } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { execa } from 'execa';
import tarFs from 'tar-fs';
import tarStream from 'tar-stream';
import { InputError } from '../harness/errors.ts';
import type { Cluster, ExecOptions, ExecResult, NodeInfo, Signal } from '../harness/cluster.ts';
import { createNetwork, RunResources, startNode, type NodeHandle } from './cluster-objects.ts';
import { processesInNamespace } from './container-processes.ts';
import { dockerClient, ensureEngine, stderrLog } from './engine.ts';
import { sbinEnv } from './host-tools.ts';
import { ensureImage, type ImageRef, type ImageSource } from './images.ts';
import { reapRuns } from './reaper.ts';
import { MAX_NODES, nodeAddress } from './subnet.ts';

export interface DockerClusterOptions {
  /** A Database's `image`, or an image folder under docker/ by name. */
  image: ImageSource;
  /** Number of nodes, n1…nN. */
  nodes: number;
  /** Defaults to a fresh `<base36 time>-<hex>`; letters, digits, `.`, `_`, `-`. */
  runId?: string;
  log?: (line: string) => void;
  docker?: Docker;
  /** Remove leftovers of runs whose controller died before creating this one (default true). */
  reap?: boolean;
  /** How long a node may take to accept its first exec. */
  readyTimeoutMs?: number;
  /** What keeps each node up under docker-init; the database runs beside it via exec. */
  keepAlive?: string[];
}

/** Exec calls without a timeout of their own give up after this long rather than hang a run. */
const DEFAULT_EXEC_TIMEOUT_MS = 120_000;

/**
 * A run's nodes as Docker containers on a network of their own (Cluster's first backend).
 * Every container and network carries the run label and the controller's pid and host.
 */
export class DockerCluster implements Cluster {
  readonly nodes: readonly NodeInfo[];

  private constructor(
    private readonly resources: RunResources,
    readonly network: { id: string; name: string; subnet: string },
    readonly image: ImageRef,
    nodes: NodeInfo[],
    private readonly handles: Map<string, NodeHandle>,
  ) {
    this.nodes = nodes;
  }

  get runId(): string {
    return this.resources.runId;
  }

  /**
   * Ensures the engine and the image, reaps leftovers of dead runs, then creates the network and
   * the nodes. Any failure removes what was already created before the error is rethrown.
   */
  static async create(options: DockerClusterOptions): Promise<DockerCluster> {
    const log = options.log ?? stderrLog;
    if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > MAX_NODES) {
      throw new InputError(`--nodes must be an integer from 1 to ${MAX_NODES}, got ${options.nodes}`);
    }
    const runId = options.runId ?? `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(runId)) throw new InputError(`run id ${JSON.stringify(runId)} may only hold letters, digits, '.', '_' and '-'`);
    await ensureEngine({ log });
    const docker = options.docker ?? dockerClient();
    const image = await ensureImage(options.image, { docker, log });
    if (options.reap !== false) await reapRuns(docker, { log });
    const resources = new RunResources(docker, runId);
    try {
      const network = await createNetwork(docker, runId);
      await resources.trackNetwork(network.id);
      const nodes = Array.from({ length: options.nodes }, (_, i) => ({ name: `n${i + 1}`, ip: nodeAddress(network.subnet, i + 1) }));
      const handles = new Map<string, NodeHandle>();
      await Promise.all(
        nodes.map(async (node) => {
          handles.set(node.name, await startNode(docker, resources, {
            network: network.name,
            image: image.tag,
            node,
            all: nodes,
            readyTimeoutMs: options.readyTimeoutMs,
            keepAlive: options.keepAlive,
          }));
        }),
      );
      return new DockerCluster(resources, network, image, nodes, handles);
    } catch (err) {
      await resources.teardown().catch((cleanupErr: Error) => log(`cleanup after a failed start also failed: ${cleanupErr.message}`));
      throw err;
    }
  }

  async exec(node: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const container = this.container(node);
    const exec = await container.exec({
      Cmd: argv,
      AttachStdin: options.stdin !== undefined,
      AttachStdout: !options.detach,
      AttachStderr: !options.detach,
      Env: options.env && Object.entries(options.env).map(([k, v]) => `${k}=${v}`),
      User: options.user,
      Tty: false,
    });
    if (options.detach) {
      // dockerode hands back the (empty) response as a stream; left unread it keeps its socket
      // open for the life of the controller (a torture session would collect one per launch).
      const response = (await exec.start({ Detach: true })) as unknown as Duplex | undefined;
      response?.destroy();
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    const stream = (await exec.start({ hijack: true, stdin: options.stdin !== undefined })) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = buffer(stdout);
    const err = buffer(stderr);
    this.resources.docker.modem.demuxStream(stream, stdout, stderr);
    if (options.stdin !== undefined) stream.end(options.stdin);
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const finished = new Promise<'done'>((resolve, reject) => {
      stream.on('end', () => resolve('done'));
      stream.on('close', () => resolve('done'));
      stream.on('error', reject);
    });
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([finished, timedOut]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      stream.destroy();
      const pid = (await exec.inspect().catch(() => undefined))?.Pid;
      if (pid) killQuietly(pid, 'SIGKILL');
      throw new Error(`exec on ${node} timed out after ${timeoutMs} ms: ${argv.join(' ')}`);
    }
    stdout.end();
    stderr.end();
    // The output can end a moment before the engine records the exit code.
    let info = await exec.inspect();
    for (let i = 0; info.Running && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      info = await exec.inspect();
    }
    return { exitCode: info.ExitCode ?? -1, stdout: (await out).toString(), stderr: (await err).toString() };
  }

  async netExec(node: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { initPid } = this.handle(node);
    // A container that is gone (or a pid reused by a host process) would put the command in the
    // host's own namespace, where it must never change a rule.
    const ns = netnsOf(initPid);
    if (ns === undefined) throw new Error(`node ${node}'s container is gone (its init ${initPid} no longer exists)`);
    if (ns === netnsOf(process.pid)) throw new Error(`refusing to run ${argv[0]} for ${node}: process ${initPid} is in the controller's own network namespace`);
    const nsenter = ['-t', String(initPid), '-n', '--', ...argv];
    if (options.detach) {
      execa('nsenter', nsenter, { detached: true, stdio: 'ignore', env: sbinEnv({ ...process.env, ...options.env }), reject: false }).unref();
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    const timeout = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const r = await execa('nsenter', nsenter, { reject: false, timeout, input: options.stdin, env: sbinEnv({ ...process.env, ...options.env }) });
    if (r.timedOut) throw new Error(`netExec on ${node} timed out after ${timeout} ms: ${argv.join(' ')}`);
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  }

  async signal(node: string, pattern: string, signal: Signal): Promise<number> {
    let count = 0;
    for (const p of this.matching(node, pattern)) if (killQuietly(p.pid, `SIG${signal}`)) count++;
    return count;
  }

  async countProcesses(node: string, pattern: string): Promise<number> {
    return this.matching(node, pattern).length;
  }

  async pause(node: string): Promise<void> {
    await this.container(node)
      .pause()
      .catch((err: Error) => {
        if (!/already paused/i.test(err.message)) throw err;
      });
  }

  async unpause(node: string): Promise<void> {
    await this.container(node)
      .unpause()
      .catch((err: Error) => {
        if (!/not paused/i.test(err.message)) throw err;
      });
  }

  async writeFile(node: string, path: string, content: string | Buffer): Promise<void> {
    if (!path.startsWith('/')) throw new Error(`writeFile needs an absolute path, got ${path}`);
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    const pack = tarStream.pack();
    pack.entry({ name: path.slice(1), mode: 0o644, size: data.length }, data);
    pack.finalize();
    await this.container(node).putArchive(await buffer(pack), { path: '/' });
  }

  async readFile(node: string, path: string): Promise<Buffer> {
    const archive = await this.archive(node, path);
    const extract = tarStream.extract();
    let content: Buffer | undefined;
    extract.on('entry', (header, stream, next) => {
      if (content === undefined && header.type === 'file') {
        void buffer(stream).then((b) => {
          content = b;
          next();
        }, next);
      } else {
        stream.resume();
        stream.on('end', next);
      }
    });
    await pipeline(archive, extract);
    if (content === undefined) throw new Error(`${path} on ${node} is not a regular file`);
    return content;
  }

  async copyOut(node: string, path: string, destDir: string): Promise<void> {
    const archive = await this.archive(node, path);
    mkdirSync(destDir, { recursive: true });
    // Files land owned by the controller and readable, whatever their owner was in the node.
    await pipeline(archive, tarFs.extract(destDir, { chown: false, readable: true, writable: true } as tarFs.ExtractOptions));
  }

  teardown(): Promise<void> {
    return this.resources.teardown();
  }

  /** The Docker container id of `node` (for tests and diagnostics). */
  containerId(node: string): string {
    return this.handle(node).id;
  }

  private async archive(node: string, path: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.container(node).getArchive({ path });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) throw new Error(`no ${path} on ${node}`);
      throw err;
    }
  }

  private matching(node: string, pattern: string) {
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch {
      throw new Error(`process pattern ${JSON.stringify(pattern)} is not a regular expression`);
    }
    return processesInNamespace(this.handle(node).initPid).filter((p) => re.test(p.cmdline));
  }

  private handle(node: string): NodeHandle {
    const h = this.handles.get(node);
    if (!h) throw new Error(`no node ${JSON.stringify(node)} in run ${this.runId} (nodes: ${[...this.handles.keys()].join(', ')})`);
    return h;
  }

  private container(node: string): Docker.Container {
    return this.resources.docker.getContainer(this.handle(node).id);
  }
}

/** The network namespace a host process is in (`net:[4026531840]`), or undefined when it is gone. */
function netnsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/** kill(2) from the host; a process that already exited is not an error. */
function killQuietly(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
