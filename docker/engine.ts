import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import Docker from 'dockerode';
import { EnvironmentError } from '../harness/errors.ts';
import { withFileLock } from './file-lock.ts';
import { hostProcess } from './host-process.ts';
import { sbinEnv } from './host-tools.ts';

/** Where a dockerd that faultline starts writes its log. */
export const DOCKERD_LOG = '/var/log/faultline-dockerd.log';

/** Debian packages a run needs on the host, and what each is for (said when installing). */
export const HOST_PACKAGES: Record<string, string> = {
  'docker.io': 'the Docker engine (dockerd) that runs the database nodes',
  iptables: 'network partitions inside each node’s network namespace',
  debootstrap: 'building the debian:bookworm-slim base image when no registry is reachable',
  libfaketime: 'per-node clock skew for databases that honour it',
};

/** Pid files that a killed engine leaves behind; a live one must never be removed. */
const PID_FILES: [path: string, comm: string][] = [
  ['/var/run/docker.pid', 'dockerd'],
  ['/var/run/docker/containerd/containerd.pid', 'containerd'],
  ['/run/containerd/containerd.pid', 'containerd'],
];

export interface EngineOptions {
  /** Progress and reasons, one line each; defaults to stderr. */
  log?: (line: string) => void;
  /** How long to wait for a freshly started dockerd to answer. */
  timeoutMs?: number;
}

export type EngineState = 'running' | 'started';

let client: Docker | undefined;

/** The process-wide dockerode client (honours DOCKER_HOST, else the local socket). */
export function dockerClient(): Docker {
  client ??= new Docker();
  return client;
}

export const stderrLog = (line: string): void => {
  process.stderr.write(`faultline: ${line}\n`);
};

/** Whether the engine answers within `timeoutMs`. */
export async function engineAnswers(docker: Docker = dockerClient(), timeoutMs = 3_000): Promise<boolean> {
  return withTimeout(docker.ping(), timeoutMs).then(
    () => true,
    () => false,
  );
}

/**
 * Makes sure a Docker engine answers: installs Debian's docker.io (and the other host packages)
 * when missing, removes pid files of a killed engine, starts dockerd detached so it outlives this
 * process, and waits for it. Fast and silent when the engine already runs.
 */
export async function ensureEngine(options: EngineOptions = {}): Promise<EngineState> {
  const docker = dockerClient();
  if (await engineAnswers(docker)) return 'running';
  const log = options.log ?? stderrLog;
  const host = process.env.DOCKER_HOST;
  if (host && !host.startsWith('unix://')) {
    throw new EnvironmentError(`the Docker engine at DOCKER_HOST=${host} does not answer; faultline only starts a local engine`);
  }
  return withFileLock(
    'engine',
    async () => {
      // Another faultline process may have started it while this one waited for the lock.
      if (await engineAnswers(docker)) return 'running';
      await installHostPackages(log, 'no Docker engine answers');
      if (process.getuid?.() !== 0) throw new EnvironmentError('no Docker engine answers; start dockerd, or run faultline as root so it can start one');
      const live = removeStalePidFiles(log);
      const child = live === undefined ? startDockerd(log) : undefined;
      if (live !== undefined) log(`dockerd (pid ${live}) is running but not answering yet; waiting for it`);
      await waitForEngine(docker, options.timeoutMs ?? 90_000, child);
      log('the Docker engine is up');
      return 'started';
    },
    { log, waitMessage: 'waiting for another faultline process that is starting the Docker engine' },
  );
}

/** Which of `packages` dpkg does not list as installed. */
export async function missingPackages(packages: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of packages) {
    const r = await run('dpkg-query', ['-W', '-f=${Status}', pkg]).catch(() => ({ code: 1, output: '' }));
    if (r.code !== 0 || !r.output.includes('install ok installed')) missing.push(pkg);
  }
  return missing;
}

/** apt-get installs the host packages that are missing (package → what it is for), saying what and why. */
export async function installHostPackages(
  log: (line: string) => void,
  why: string,
  packages: Record<string, string> = HOST_PACKAGES,
): Promise<void> {
  const missing = await missingPackages(Object.keys(packages));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(`${why} and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed; run as root or: apt-get install -y ${missing.join(' ')}`);
  }
  log(`${why}; installing Debian packages: ${missing.join(' ')}`);
  for (const pkg of missing) log(`  ${pkg}: ${packages[pkg]}`);
  const install = ['-q', '-y', 'install', ...missing];
  let r = await run('apt-get', install, { streamToStderr: true });
  if (r.code !== 0) {
    log('apt-get install failed; refreshing the package lists (apt-get update) and trying again');
    await run('apt-get', ['-q', 'update'], { streamToStderr: true });
    r = await run('apt-get', install, { streamToStderr: true });
  }
  if (r.code !== 0) throw new EnvironmentError(`apt-get install ${missing.join(' ')} failed (exit ${r.code}); see the output above`);
}

/**
 * Removes pid files whose process is gone (or is now some other program): dockerd and
 * containerd refuse to start while one exists. Returns the pid of a live dockerd, if any.
 */
export function removeStalePidFiles(log: (line: string) => void, files = PID_FILES): number | undefined {
  let liveDockerd: number | undefined;
  for (const [path, comm] of files) {
    if (!existsSync(path)) continue;
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    const p = hostProcess(pid);
    if (p && p.comm === comm) {
      if (comm === 'dockerd') liveDockerd = pid;
      continue;
    }
    log(`removing stale pid file ${path} (pid ${Number.isNaN(pid) ? '?' : pid} is not a running ${comm}; a killed engine left it)`);
    rmSync(path, { force: true });
  }
  return liveDockerd;
}

/** What a started dockerd did, as far as this process can tell. */
interface DockerdChild {
  failed?: string;
}

function startDockerd(log: (line: string) => void): DockerdChild {
  log(`starting dockerd in the background (log: ${DOCKERD_LOG})`);
  const state: DockerdChild = {};
  const fd = openSync(DOCKERD_LOG, 'a');
  try {
    // Its own session, no pipes to us: the engine outlives this process, and is never stopped by it.
    const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', fd, fd], env: sbinEnv() });
    child.on('error', (err) => (state.failed = `dockerd could not start: ${err.message}`));
    child.on('exit', (code, signal) => (state.failed = `dockerd exited (${signal ?? `code ${code}`})`));
    child.unref();
  } finally {
    closeSync(fd);
  }
  return state;
}

async function waitForEngine(docker: Docker, timeoutMs: number, child?: DockerdChild): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await engineAnswers(docker, 2_000)) return;
    if (child?.failed) throw new EnvironmentError(`${child.failed}; last log line: ${lastLine(DOCKERD_LOG)} (full log: ${DOCKERD_LOG})`);
    await sleep(250);
  }
  throw new EnvironmentError(`dockerd did not answer within ${timeoutMs} ms; last log line: ${lastLine(DOCKERD_LOG)} (full log: ${DOCKERD_LOG})`);
}

function lastLine(path: string): string {
  try {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    return lines[lines.length - 1] || '(empty)';
  } catch {
    return '(no log)';
  }
}

interface RunResult {
  code: number;
  output: string;
}

/** Runs a host command; apt's progress goes to our stderr so stdout stays clean for --json. */
function run(cmd: string, args: string[], options: { streamToStderr?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: options.streamToStderr ? ['ignore', 2, 2] : ['ignore', 'pipe', 'pipe'],
      env: { ...sbinEnv(), DEBIAN_FRONTEND: 'noninteractive' },
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
