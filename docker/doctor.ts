import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { BASE_IMAGE } from './base-image.ts';
import { dockerClient, engineAnswers, HOST_PACKAGES, missingPackages } from './engine.ts';
import { netemUnavailable, sbinEnv } from './host-tools.ts';
import { imageExists } from './image-progress.ts';
import { builtImages, contextHash, IMAGES_DIR, imageNames, imageTag } from './images.ts';
import { join } from 'node:path';

/** `fail`: a default run cannot work; `warn`: something is missing that some runs need. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

const FAKETIME_LIBS = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'];
const CHROMIUM = '/usr/bin/chromium';

/** What this machine supports, checked without changing anything. */
export async function doctorChecks(): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const engineUp = await engineAnswers();
  checks.push(await engineCheck(engineUp));
  const missing = await missingPackages(Object.keys(HOST_PACKAGES));
  checks.push({
    name: 'host packages',
    status: missing.length === 0 ? 'ok' : 'warn',
    detail: missing.length === 0 ? Object.keys(HOST_PACKAGES).join(', ') : `missing ${missing.join(', ')} (faultline run installs them as root)`,
  });
  if (engineUp) checks.push(...(await imageChecks()));
  checks.push(await iptablesCheck());
  checks.push(await commandCheck('packet loss (iptables statistic)', 'the statistic match works in a network namespace', 'packet-loss faults are unavailable', [
    'sh', '-c', 'iptables -w -A INPUT -m statistic --mode random --probability 0.5 -j DROP',
  ])); // prettier-ignore
  checks.push(await netemCheck());
  const faketime = FAKETIME_LIBS.find((p) => existsSync(p));
  checks.push({
    name: 'libfaketime',
    status: faketime ? 'ok' : 'warn',
    detail: faketime ?? 'not installed: clock faults unavailable for databases that honour it (apt-get install libfaketime)',
  });
  checks.push({
    name: 'chromium',
    status: existsSync(CHROMIUM) ? 'ok' : 'warn',
    detail: existsSync(CHROMIUM) ? CHROMIUM : 'not installed: only browser tests of HTML reports need it (apt-get install chromium)',
  });
  return checks;
}

async function engineCheck(up: boolean): Promise<DoctorCheck> {
  if (!up) {
    const installed = existsSync('/usr/sbin/dockerd') || existsSync('/usr/bin/dockerd');
    return {
      name: 'docker engine',
      status: installed && process.getuid?.() === 0 ? 'warn' : 'fail',
      detail: installed ? 'not running (faultline run starts dockerd as root)' : 'not installed (faultline run installs docker.io as root)',
    };
  }
  const v = await dockerClient().version();
  return { name: 'docker engine', status: 'ok', detail: `dockerd ${v.Version} (API ${v.ApiVersion}, ${v.Os}/${v.Arch})` };
}

async function imageChecks(): Promise<DoctorCheck[]> {
  const docker = dockerClient();
  const checks: DoctorCheck[] = [];
  const base = await imageExists(docker, BASE_IMAGE);
  checks.push({ name: BASE_IMAGE, status: base ? 'ok' : 'warn', detail: base ? 'present' : 'missing: built on the first run (debootstrap, about a minute)' });
  for (const name of imageNames()) {
    const hash = contextHash(join(IMAGES_DIR, name));
    const tag = imageTag(name, hash);
    const built = await builtImages(docker, name);
    const current = built.some((b) => b.hash === hash);
    const detail = current
      ? `${tag} up to date (hash ${hash.slice(0, 12)})`
      : built.length > 0
        ? `stale: newest built from hash ${built[0]?.hash.slice(0, 12)}, docker/${name}/ is now ${hash.slice(0, 12)}; rebuilt on the next run`
        : `not built yet (${tag}); built on the next run`;
    checks.push({ name: `image ${name}`, status: current ? 'ok' : 'warn', detail });
  }
  return checks;
}

/** Partitions enter each node's network namespace from the host; try that in a fresh one. */
async function iptablesCheck(): Promise<DoctorCheck> {
  const results: string[] = [];
  let works = false;
  for (const tool of ['iptables', 'iptables-legacy']) {
    const version = await execa(tool, ['--version'], { reject: false, env: sbinEnv() });
    const r = await execa('unshare', ['--net', tool, '-w', '-A', 'INPUT', '-s', '127.0.0.2', '-j', 'DROP'], { reject: false, env: sbinEnv() });
    const backend = /\((\w+)\)/.exec(String(version.stdout))?.[1] ?? tool;
    results.push(r.exitCode === 0 ? `${tool} (${backend}) works` : `${tool} fails: ${firstLine(r.stderr) || r.message}`);
    works ||= r.exitCode === 0 && tool === 'iptables';
  }
  return { name: 'iptables in a netns', status: works ? 'ok' : 'fail', detail: `${results.join('; ')}${works ? '' : ' — partitions unavailable'}` };
}

async function netemCheck(): Promise<DoctorCheck> {
  const why = netemUnavailable();
  if (why === undefined) return { name: 'netem (latency)', status: 'ok', detail: 'tc qdisc netem works' };
  return { name: 'netem (latency)', status: 'warn', detail: `unavailable (${why}): latency faults are reported as unsupported; packet loss uses iptables instead` };
}

async function commandCheck(name: string, okDetail: string, failDetail: string, argv: string[]): Promise<DoctorCheck> {
  const r = await execa('unshare', ['--net', ...argv], { reject: false, env: sbinEnv() });
  return r.exitCode === 0
    ? { name, status: 'ok', detail: okDetail }
    : { name, status: 'warn', detail: `${failDetail}: ${firstLine(r.stderr) || r.message}` };
}

function firstLine(text: unknown): string {
  return String(text ?? '').trim().split('\n')[0] ?? '';
}
