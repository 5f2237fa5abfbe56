import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { EnvironmentError, errorText } from '../harness/errors.ts';
import { debianMirror } from './apt-sources.ts';
import { dockerClient, installHostPackages, stderrLog } from './engine.ts';
import { sbinEnv } from './host-tools.ts';
import { withFileLock } from './file-lock.ts';
import { followProgress, imageExists } from './image-progress.ts';

/** Every database image starts FROM this. */
export const BASE_IMAGE = 'debian:bookworm-slim';
const SUITE = 'bookworm';

export type BaseImageSource = 'present' | 'pulled' | 'built';

export interface BaseImageOptions {
  docker?: Docker;
  log?: (line: string) => void;
  /** Skip the pull attempt (known offline). */
  noPull?: boolean;
}

/**
 * Makes sure `debian:bookworm-slim` exists: pulled where a registry answers, otherwise built from
 * the Debian mirror this machine's apt already uses (debootstrap + `docker import`).
 */
export async function ensureBaseImage(options: BaseImageOptions = {}): Promise<BaseImageSource> {
  const docker = options.docker ?? dockerClient();
  const log = options.log ?? stderrLog;
  if (await imageExists(docker, BASE_IMAGE)) return 'present';
  return withFileLock(
    'base-image',
    async () => {
      if (await imageExists(docker, BASE_IMAGE)) return 'present';
      if (!options.noPull && !process.env.FAULTLINE_NO_PULL) {
        log(`${BASE_IMAGE} is missing; trying to pull it`);
        try {
          await followProgress(docker, await docker.pull(BASE_IMAGE), 120_000);
          return 'pulled';
        } catch (err) {
          log(`no registry answers (${firstLine(err)}); building ${BASE_IMAGE} locally instead`);
        }
      }
      await buildBaseImage(docker, log);
      return 'built';
    },
    { log, waitMessage: `waiting for another faultline process that is building ${BASE_IMAGE}` },
  );
}

async function buildBaseImage(docker: Docker, log: (line: string) => void): Promise<void> {
  await installHostPackages(log, `building ${BASE_IMAGE} needs debootstrap`);
  const mirror = debianMirror();
  mkdirSync('/var/tmp', { recursive: true });
  const dir = mkdtempSync('/var/tmp/faultline-rootfs-');
  try {
    log(`debootstrap --variant=minbase ${SUITE} from ${mirror} (the mirror in this machine's apt sources; about a minute)`);
    const started = Date.now();
    const boot = await runTool('debootstrap', ['--variant=minbase', SUITE, dir, mirror]);
    if (boot.code !== 0) throw new EnvironmentError(`debootstrap ${SUITE} from ${mirror} failed (exit ${boot.code}): ${boot.tail}`);
    slimRootfs(dir);
    log(`importing the root file system as ${BASE_IMAGE}`);
    await importRootfs(docker, dir);
    log(`built ${BASE_IMAGE} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the official slim image does too: no service starts during `apt-get install` inside a
 * build, no docs or man pages, no package lists or caches in the layer.
 */
function slimRootfs(dir: string): void {
  const policy = join(dir, 'usr/sbin/policy-rc.d');
  writeFileSync(policy, '#!/bin/sh\n# Services must not start while an image is built.\nexit 101\n');
  chmodSync(policy, 0o755);
  writeFileSync(
    join(dir, 'etc/dpkg/dpkg.cfg.d/faultline-slim'),
    [
      'path-exclude /usr/share/doc/*',
      'path-include /usr/share/doc/*/copyright',
      'path-exclude /usr/share/man/*',
      'path-exclude /usr/share/info/*',
      'path-exclude /usr/share/locale/*',
      'path-include /usr/share/locale/locale.alias',
      'path-exclude /usr/share/lintian/*',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'etc/apt/apt.conf.d/docker-clean'),
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n' +
      'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";\n',
  );
  for (const log of ['dpkg.log', 'alternatives.log', 'bootstrap.log']) rmSync(join(dir, 'var/log', log), { force: true });
  const keep = new Set(['partial', 'lock', 'locale.alias']);
  for (const sub of ['var/lib/apt/lists', 'var/cache/apt/archives', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) {
    const path = join(dir, sub);
    for (const entry of safeReaddir(path)) if (!keep.has(entry)) rmSync(join(path, entry), { recursive: true, force: true });
  }
  for (const entry of safeReaddir(join(dir, 'usr/share/doc'))) {
    const pkg = join(dir, 'usr/share/doc', entry);
    for (const file of safeReaddir(pkg)) if (file !== 'copyright') rmSync(join(pkg, file), { recursive: true, force: true });
  }
}

/** `tar -C dir -c . | docker import - debian:bookworm-slim`, through the engine API. */
async function importRootfs(docker: Docker, dir: string): Promise<void> {
  const tar = spawn('tar', ['-C', dir, '--numeric-owner', '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*', '-c', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  tar.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const tarDone = new Promise<number>((resolve) => tar.on('close', (code) => resolve(code ?? 1)));
  const [repo, tag] = BASE_IMAGE.split(':') as [string, string];
  const stream = await docker.importImage(tar.stdout, { repo, tag, changes: ['CMD ["bash"]'] } as object);
  await followProgress(docker, stream, 600_000);
  const code = await tarDone;
  if (code !== 0) throw new EnvironmentError(`tar of the debootstrap tree failed (exit ${code}): ${stderr.trim()}`);
  if (!(await imageExists(docker, BASE_IMAGE))) throw new EnvironmentError(`docker import finished but ${BASE_IMAGE} is not there`);
}

function runTool(cmd: string, args: string[]): Promise<{ code: number; tail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: sbinEnv() });
    let tail = '';
    const keep = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, tail: tail.trim().split('\n').slice(-3).join(' | ') }));
  });
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function firstLine(err: unknown): string {
  return errorText(err, { name: false }).split('\n')[0] ?? '';
}
