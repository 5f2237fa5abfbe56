import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import ssh2 from 'ssh2';
import tarStream from 'tar-stream';
import { stringify } from 'yaml';
import { EnvironmentError, InputError } from '../harness/errors.ts';
import { knownHostLine } from './known-hosts.ts';

/**
 * What practice hosts need from the Docker engine, handed in by the caller (the CLI wires
 * docker/: the engine, its image builder and its removal helpers), so that ssh/ uses Docker only
 * to start and remove practice hosts and never to reach them.
 */
export interface PracticeHostsEngine {
  docker: Docker;
  /** The image built from `dir` (ssh/practice-host/), built only when its context changed; its tag. */
  ensureImage(dir: string): Promise<string>;
  removeContainer(id: string): Promise<void>;
  removeNetwork(id: string): Promise<void>;
}

/** The practice host's image folder. */
export const PRACTICE_HOST_DIR = fileURLToPath(new URL('./practice-host/', import.meta.url));

/**
 * Labels on practice hosts' containers and networks. Not the run label: practice hosts outlive the
 * process that started them, so `faultline clean` must not take them for a dead run's leftovers;
 * they go with `faultline hosts down`, or when their inventory file is gone (`hostsDown({ orphansOnly })`).
 */
export const PRACTICE_LABEL = {
  set: 'faultline.practice-hosts',
  inventory: 'faultline.practice-hosts.inventory',
  node: 'faultline.practice-hosts.node',
} as const;

/** Users the practice-host image has: root, `faultline` (passwordless sudo), `plain` (no sudo). */
export type PracticeUser = 'root' | 'faultline' | 'plain';

export interface HostsUpOptions {
  count: number;
  /** The inventory to write; the key pair and known_hosts go beside it (`<name>.key`, `<name>.known_hosts`). */
  out: string;
  engine: PracticeHostsEngine;
  /** Who the inventory logs in as (default root; `faultline` gets `sudo: true`). */
  user?: PracticeUser;
  log?: (line: string) => void;
}

export interface PracticeHosts {
  setId: string;
  inventory: string;
  keyFile: string;
  knownHosts: string;
  hosts: { name: string; ip: string; containerId: string }[];
}

export const MAX_PRACTICE_HOSTS = 20;

/** Where `hosts up --out FILE` puts the private key and the known_hosts it writes. */
export function practiceFiles(out: string): { inventory: string; keyFile: string; publicKey: string; knownHosts: string } {
  const inventory = resolve(out);
  const base = inventory.replace(/\.ya?ml$/, '');
  return { inventory, keyFile: `${base}.key`, publicKey: `${base}.key.pub`, knownHosts: `${base}.known_hosts` };
}

/** The files `hostsUp` would write, after checking `count` and that none of them exists yet. */
export function checkHostsUp(count: number, out: string): ReturnType<typeof practiceFiles> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PRACTICE_HOSTS) throw new InputError(`--count must be an integer from 1 to ${MAX_PRACTICE_HOSTS}, got ${count}`);
  const files = practiceFiles(out);
  for (const f of [files.inventory, files.keyFile, files.knownHosts]) {
    if (existsSync(f)) throw new InputError(`${f} already exists: run faultline hosts down --inventory ${files.inventory} first, or choose another --out`);
  }
  return files;
}

/**
 * Starts `count` Debian containers running sshd on a network of their own, with a fresh ed25519
 * key pair (the controller's) and a fresh host key each, and writes an inventory (0600) with a
 * known_hosts beside it that lists those host keys, so the first connection is verified like any
 * other. The inventory names the private key's file; the key itself stays in that file (0600).
 * Anything created is removed again when a step fails.
 */
export async function hostsUp(options: HostsUpOptions): Promise<PracticeHosts> {
  const { count, engine } = options;
  const log = options.log ?? (() => undefined);
  const files = checkHostsUp(count, options.out);
  const user = options.user ?? 'root';
  const setId = randomBytes(3).toString('hex');
  const labels = { [PRACTICE_LABEL.set]: setId, [PRACTICE_LABEL.inventory]: files.inventory };
  const image = await engine.ensureImage(PRACTICE_HOST_DIR);
  const clientKey = ssh2.utils.generateKeyPairSync('ed25519', { comment: `faultline practice hosts ${setId}` });
  const created: { containers: string[]; network?: string; files: string[] } = { containers: [], files: [] };
  try {
    const networkName = `faultline-hosts-${setId}`;
    // Internal: the hosts reach each other and the controller, nothing beyond this machine.
    const network = await engine.docker.createNetwork({ Name: networkName, Driver: 'bridge', Internal: true, CheckDuplicate: true, Labels: labels });
    created.network = network.id;
    const hosts: PracticeHosts['hosts'] = [];
    const hostKeys: Buffer[] = [];
    for (let i = 1; i <= count; i++) {
      const name = `n${i}`;
      const hostKey = ssh2.utils.generateKeyPairSync('ed25519', { comment: `${name} host key` });
      const container = await engine.docker.createContainer({
        name: `${networkName}-${name}`,
        Hostname: name,
        Image: image,
        Labels: { ...labels, [PRACTICE_LABEL.node]: name },
        // An init reaps orphans as a real host's does; NET_ADMIN lets iptables change the host's own (namespaced) rules.
        HostConfig: { Init: true, CapAdd: ['NET_ADMIN'], NetworkMode: networkName },
      });
      created.containers.push(container.id);
      await container.putArchive(await keysArchive(hostKey, clientKey.public), { path: '/' });
      hostKeys.push(publicBlob(hostKey.public));
      hosts.push({ name, ip: '', containerId: container.id });
    }
    for (const h of hosts) await engine.docker.getContainer(h.containerId).start();
    for (const h of hosts) {
      const info = await engine.docker.getContainer(h.containerId).inspect();
      h.ip = info.NetworkSettings.Networks[networkName]?.IPAddress ?? '';
      if (!h.ip) throw new EnvironmentError(`practice host ${h.name} got no address on ${networkName}`);
    }
    await Promise.all(hosts.map((h) => waitForSsh(h.name, h.ip, 30_000)));
    const write = (path: string, text: string) => {
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
      created.files.push(path);
    };
    write(files.keyFile, clientKey.private);
    write(files.publicKey, `${clientKey.public}\n`);
    write(files.knownHosts, hosts.map((h, i) => `${knownHostLine(h.ip, 22, hostKeys[i]!)}\n`).join(''));
    write(files.inventory, inventoryText(setId, files, hosts, user));
    log(`practice hosts ${setId}: ${hosts.map((h) => `${h.name} ${h.ip}`).join(', ')}; inventory ${files.inventory}`);
    return { setId, inventory: files.inventory, keyFile: files.keyFile, knownHosts: files.knownHosts, hosts };
  } catch (err) {
    await Promise.all(created.containers.map((id) => engine.removeContainer(id).catch(() => undefined)));
    if (created.network) await engine.removeNetwork(created.network).catch(() => undefined);
    for (const f of created.files) rmSync(f, { force: true });
    throw err;
  }
}

export interface HostsDownOptions {
  engine: Pick<PracticeHostsEngine, 'docker' | 'removeContainer' | 'removeNetwork'>;
  /** Only the practice hosts this inventory was written for. */
  inventory?: string;
  /** Only sets whose inventory file is gone (what `faultline clean` removes). */
  orphansOnly?: boolean;
  log?: (line: string) => void;
}

export interface HostsDownReport {
  sets: string[];
  containers: number;
  networks: number;
  /** The inventory, key and known_hosts files removed. */
  files: string[];
}

/**
 * Removes practice hosts (every set, the one `inventory` names, or those whose inventory is gone)
 * and the files `hostsUp` wrote for them. Files are removed only while the inventory still carries
 * the set's marker line: one the user overwrote is left alone.
 */
export async function hostsDown(options: HostsDownOptions): Promise<HostsDownReport> {
  const { docker } = options.engine;
  const filters = { label: [PRACTICE_LABEL.set] };
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  const sets = new Map<string, { inventory: string; containers: string[]; networks: string[] }>();
  const entry = (l: Record<string, string> | undefined) => {
    const id = l?.[PRACTICE_LABEL.set] ?? '';
    let s = sets.get(id);
    if (!s) sets.set(id, (s = { inventory: l?.[PRACTICE_LABEL.inventory] ?? '', containers: [], networks: [] }));
    return s;
  };
  for (const c of containers) entry(c.Labels).containers.push(c.Id);
  for (const n of networks) entry(n.Labels).networks.push(n.Id);
  const wanted = options.inventory === undefined ? undefined : resolve(options.inventory);
  const chosen = [...sets].filter(([, s]) => (wanted === undefined || s.inventory === wanted) && (!options.orphansOnly || !existsSync(s.inventory)));
  if (wanted !== undefined && chosen.length === 0) throw new InputError(`no practice hosts were started with the inventory ${wanted} (faultline hosts down without --inventory removes every set)`);
  const report: HostsDownReport = { sets: [], containers: 0, networks: 0, files: [] };
  for (const [setId, s] of chosen) {
    options.log?.(`removing practice hosts ${setId}: ${s.containers.length} containers (${s.inventory})`);
    await Promise.all(s.containers.map((id) => options.engine.removeContainer(id)));
    for (const id of s.networks) await options.engine.removeNetwork(id);
    report.sets.push(setId);
    report.containers += s.containers.length;
    report.networks += s.networks.length;
    if (s.inventory && isOurs(s.inventory, setId)) {
      const f = practiceFiles(s.inventory);
      for (const path of [f.inventory, f.keyFile, f.publicKey, f.knownHosts]) {
        if (existsSync(path)) {
          rmSync(path);
          report.files.push(path);
        }
      }
    }
  }
  return report;
}

function marker(setId: string): string {
  return `# faultline practice hosts ${setId}`;
}

function isOurs(inventory: string, setId: string): boolean {
  try {
    return readFileSync(inventory, 'utf8').startsWith(`${marker(setId)} `);
  } catch {
    return false;
  }
}

function inventoryText(setId: string, files: ReturnType<typeof practiceFiles>, hosts: PracticeHosts['hosts'], user: PracticeUser): string {
  const body = {
    knownHosts: files.knownHosts,
    defaults: { user, keyFile: files.keyFile, ...(user === 'faultline' ? { sudo: true } : {}) },
    hosts: hosts.map((h) => ({ name: h.name, address: h.ip })),
  };
  return `${marker(setId)} (faultline hosts down --inventory ${files.inventory} removes them)\n${stringify(body)}`;
}

/** The host key, and the controller's public key for root, `faultline` and `plain`, as a tar to unpack at /. */
async function keysArchive(hostKey: { private: string; public: string }, clientPublic: string): Promise<Buffer> {
  const pack = tarStream.pack();
  const file = (name: string, text: string, mode: number) => pack.entry({ name, mode, uid: 0, gid: 0 }, text);
  file('etc/ssh/ssh_host_ed25519_key', hostKey.private, 0o600);
  file('etc/ssh/ssh_host_ed25519_key.pub', `${hostKey.public}\n`, 0o644);
  // Owned by root and not writable by others: sshd's StrictModes accepts that for any user.
  for (const home of ['root', 'home/faultline', 'home/plain']) {
    pack.entry({ name: `${home}/.ssh`, type: 'directory', mode: 0o755, uid: 0, gid: 0 });
    file(`${home}/.ssh/authorized_keys`, `${clientPublic}\n`, 0o644);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The SSH wire form of an OpenSSH public key line (what known_hosts stores in base64). */
function publicBlob(publicLine: string): Buffer {
  const key = ssh2.utils.parseKey(publicLine);
  if (key instanceof Error) throw key;
  return key.getPublicSSH();
}

/** Waits until sshd at ip:22 sends its banner. */
async function waitForSsh(name: string, ip: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const banner = await new Promise<string>((done) => {
      const s = connect({ host: ip, port: 22 });
      const finish = (v: string) => {
        clearTimeout(timer);
        s.destroy();
        done(v);
      };
      const timer = setTimeout(() => finish('no banner within 2 s'), 2_000);
      s.once('data', (b: Buffer) => finish(b.toString()));
      s.once('error', (e: Error) => finish(e.message));
    });
    if (banner.startsWith('SSH-2.0-')) return;
    last = banner.trim();
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new EnvironmentError(`practice host ${name} (${ip}): sshd did not answer within ${timeoutMs} ms (${last})`);
}
