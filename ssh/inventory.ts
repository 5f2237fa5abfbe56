import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { InputError } from '../harness/errors.ts';

/** How the controller proves who it is to a host: a private key file, or the running ssh-agent. */
export type HostAuth = { keyFile: string } | { agent: true };

/** One machine faultline reaches over SSH. */
export interface InventoryHost {
  /** The node name workloads and faults use (`n1`). */
  name: string;
  /** What the controller connects to: a name or an IPv4 address. */
  address: string;
  /**
   * The IPv4 address the other hosts reach this one at (what partition rules match). When absent,
   * `address` resolved on the controller.
   */
  ip?: string;
  port: number;
  user: string;
  auth: HostAuth;
  /** Commands that need root (iptables, other users, the run directory) go through `sudo -n`. */
  sudo: boolean;
  /** Where the host was declared, for errors: `inventory.yaml:7`, or `--hosts`. */
  origin: string;
}

export interface Inventory {
  hosts: InventoryHost[];
  /** known_hosts to verify host keys against; `~/.ssh/known_hosts` when absent. */
  knownHosts?: string;
  /** The inventory file, when the hosts came from one. */
  file?: string;
}

/** The known_hosts file used when neither the inventory nor the caller names one. */
export function defaultKnownHosts(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

const HOST_FIELDS = ['name', 'address', 'ip', 'port', 'user', 'keyFile', 'agent', 'sudo'] as const;
const DEFAULT_FIELDS = ['port', 'user', 'keyFile', 'agent', 'sudo'] as const;
const TOP_FIELDS = ['hosts', 'defaults', 'knownHosts'] as const;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const USER = /^[a-zA-Z_][a-zA-Z0-9_.-]*$/;
const ADDRESS = /^[a-zA-Z0-9][a-zA-Z0-9.-]*$/;

interface Problem {
  line?: number;
  text: string;
}

/** The problems found, as one InputError naming the file and line of each. */
function problemsError(file: string, problems: Problem[]): InputError {
  if (problems.length === 1) return new InputError(problems[0]!.text, file, problems[0]!.line);
  const at = (p: Problem) => `${file}${p.line === undefined ? '' : `:${p.line}`}`;
  return new InputError(`${file} has ${problems.length} problems:\n${problems.map((p) => `  ${at(p)}: ${p.text}`).join('\n')}`);
}

type Raw = Partial<Record<(typeof HOST_FIELDS)[number], unknown>>;

/**
 * Parses an inventory (YAML) and checks every field, collecting every problem with its line:
 *
 * ```yaml
 * knownHosts: ./known_hosts        # optional; relative paths are relative to this file
 * defaults: { user: admin, keyFile: ~/.ssh/id_ed25519, sudo: true }
 * hosts:
 *   - { name: n1, address: 10.0.0.11 }
 *   - { name: n2, address: db2.example, port: 2222, agent: true }
 * ```
 *
 * Pure: key files are checked by `loadInventory`.
 */
export function parseInventory(text: string, file: string): Inventory {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const problems: Problem[] = [];
  const lineOf = (node: YamlNode | null | undefined) => (node?.range ? counter.linePos(node.range[0]).line : undefined);
  if (doc.errors.length > 0) {
    throw problemsError(file, doc.errors.map((e) => ({ line: e.linePos?.[0].line, text: `not valid YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}` })));
  }
  const root = doc.contents;
  if (!isMap(root)) throw new InputError('expected a mapping with a `hosts:` list', file, lineOf(root as YamlNode | null) ?? 1);
  const base = dirname(resolve(file));
  const top: Record<string, { value: unknown; node: YamlNode | null; line?: number }> = {};
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const line = lineOf(pair.key as YamlNode);
    if (!(TOP_FIELDS as readonly string[]).includes(key)) {
      problems.push({ line, text: `unknown field ${JSON.stringify(key)}${suggest(key, TOP_FIELDS)} (fields: ${TOP_FIELDS.join(', ')})` });
      continue;
    }
    const node = pair.value as YamlNode | null;
    top[key] = { value: node && 'toJSON' in node ? node.toJSON() : null, node, line };
  }
  let knownHosts: string | undefined;
  if (top.knownHosts) {
    const v = top.knownHosts.value;
    if (typeof v !== 'string' || v.trim() === '') problems.push({ line: top.knownHosts.line, text: 'knownHosts: expected a file path' });
    else knownHosts = expandPath(v, base);
  }
  const defaults: Raw = {};
  if (top.defaults) {
    const node = top.defaults.node;
    if (!isMap(node)) problems.push({ line: top.defaults.line, text: 'defaults: expected a mapping of host fields' });
    else {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!(DEFAULT_FIELDS as readonly string[]).includes(key)) {
          problems.push({ line: lineOf(pair.key as YamlNode), text: `defaults.${key}: not a field defaults may set${suggest(key, DEFAULT_FIELDS)} (they are: ${DEFAULT_FIELDS.join(', ')})` });
        } else defaults[key as keyof Raw] = (pair.value as YamlNode | null)?.toJSON();
      }
    }
  }
  const hosts: InventoryHost[] = [];
  const hostsNode = top.hosts?.node;
  if (!top.hosts) problems.push({ line: 1, text: 'no `hosts:` list' });
  else if (!isSeq(hostsNode) || hostsNode.items.length === 0) problems.push({ line: top.hosts.line, text: 'hosts: expected a non-empty list of hosts' });
  else {
    hostsNode.items.forEach((item, i) => {
      const node = item as YamlNode;
      const line = lineOf(node);
      const at = `hosts[${i}]`;
      let raw: Raw;
      const fieldLines = new Map<string, number | undefined>();
      if (isScalar(node)) raw = { address: node.value };
      else if (isMap(node)) {
        raw = {};
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          fieldLines.set(key, lineOf(pair.key as YamlNode));
          if (!(HOST_FIELDS as readonly string[]).includes(key)) {
            problems.push({ line: lineOf(pair.key as YamlNode), text: `${at}.${key}: unknown field${suggest(key, HOST_FIELDS)} (fields: ${HOST_FIELDS.join(', ')})` });
          } else raw[key as keyof Raw] = (pair.value as YamlNode | null)?.toJSON();
        }
      } else {
        problems.push({ line, text: `${at}: expected an address or a mapping of host fields` });
        return;
      }
      // A host's own way to log in replaces the default one rather than adding to it.
      const inherited: Raw = raw.keyFile !== undefined || raw.agent !== undefined ? { ...defaults, keyFile: undefined, agent: undefined } : defaults;
      const host = checkHost({ ...inherited, ...raw }, i, base, (field, text) => problems.push({ line: fieldLines.get(field) ?? line, text: `${at}${field ? `.${field}` : ''}: ${text}` }));
      if (host) hosts.push({ ...host, origin: `${file}:${line ?? '?'}` });
    });
  }
  for (const dup of duplicates(hosts, (h) => h.name)) problems.push({ line: lineNumber(dup.origin), text: `hosts: the name ${JSON.stringify(dup.name)} is used twice` });
  for (const dup of duplicates(hosts, (h) => `${h.address}:${h.port}`)) problems.push({ line: lineNumber(dup.origin), text: `hosts: ${dup.address}:${dup.port} is listed twice` });
  if (problems.length > 0) throw problemsError(file, problems);
  return { hosts, knownHosts, file: resolve(file) };
}

/** Reads and parses an inventory file, then checks that every key file is there and readable. */
export function loadInventory(file: string): Inventory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the inventory: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, file);
  }
  const inventory = parseInventory(text, file);
  checkKeyFiles(inventory);
  return inventory;
}

export interface HostFlags {
  /** `--hosts a,b:2222,c`. */
  hosts: string;
  /** `--ssh-user`; root when absent. */
  sshUser?: string;
  /** `--ssh-key FILE`; the ssh-agent when absent and `sshAgent`. */
  sshKey?: string;
  sshAgent?: boolean;
  /** `--ssh-sudo`. */
  sudo?: boolean;
  /** `--known-hosts FILE`. */
  knownHosts?: string;
}

/** The inventory the flag form describes: hosts `n1…nN` in the order given. Errors name the flag. */
export function inventoryFromFlags(flags: HostFlags): Inventory {
  const problems: string[] = [];
  const entries = flags.hosts.split(',').map((s) => s.trim());
  if (entries.some((e) => e === '')) problems.push(`--hosts: expected a comma-separated list of host[:port], got ${JSON.stringify(flags.hosts)}`);
  if (flags.sshKey !== undefined && flags.sshAgent) problems.push('--ssh-key and --ssh-agent: give one, not both');
  if (flags.sshKey === undefined && !flags.sshAgent) problems.push('--hosts needs --ssh-key FILE or --ssh-agent');
  const hosts: InventoryHost[] = [];
  if (problems.length === 0) {
    entries.forEach((entry, i) => {
      const [address, port, ...rest] = entry.split(':');
      const raw: Raw = { name: `n${i + 1}`, address: rest.length > 0 ? entry : address, port: port === undefined ? undefined : Number(port), user: flags.sshUser, sudo: flags.sudo ?? false };
      if (flags.sshKey !== undefined) raw.keyFile = flags.sshKey;
      else raw.agent = true;
      const flag = (field: string) => (field === 'user' ? '--ssh-user' : field === 'keyFile' ? '--ssh-key' : `--hosts entry ${i + 1} (${entry})${field ? ` ${field}` : ''}`);
      const host = checkHost(raw, i, process.cwd(), (field, text) => problems.push(`${flag(field)}: ${text}`));
      if (host) hosts.push({ ...host, origin: '--hosts' });
    });
  }
  for (const dup of duplicates(hosts, (h) => `${h.address}:${h.port}`)) problems.push(`--hosts: ${dup.address}:${dup.port} is listed twice`);
  if (problems.length > 0) throw new InputError([...new Set(problems)].join('\n'));
  const inventory: Inventory = { hosts, knownHosts: flags.knownHosts === undefined ? undefined : resolve(expandPath(flags.knownHosts, process.cwd())) };
  checkKeyFiles(inventory);
  return inventory;
}

/**
 * What a run may record about its hosts (test.json, reports): names, addresses, users and the key
 * file's path, never key material.
 */
export function inventoryRecord(inventory: Inventory): { name: string; address: string; port: number; user: string; auth: string; sudo: boolean }[] {
  return inventory.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port, user: h.user, auth: 'agent' in h.auth ? 'ssh-agent' : `key file ${h.auth.keyFile}`, sudo: h.sudo }));
}

function checkHost(raw: Raw, index: number, base: string, problem: (field: string, text: string) => void): Omit<InventoryHost, 'origin'> | undefined {
  let failed = false;
  const fail = (field: string, text: string) => {
    failed = true;
    problem(field, text);
  };
  const name = raw.name === undefined ? `n${index + 1}` : raw.name;
  if (typeof name !== 'string' || !NAME.test(name)) fail('name', `expected letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`);
  const address = raw.address;
  if (typeof address !== 'string' || !ADDRESS.test(address)) fail('address', `expected a host name or an IPv4 address, got ${JSON.stringify(address ?? null)}`);
  if (raw.ip !== undefined && (typeof raw.ip !== 'string' || !isIPv4(raw.ip))) fail('ip', `expected an IPv4 address, got ${JSON.stringify(raw.ip)}`);
  const port = raw.port ?? 22;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) fail('port', `expected an integer from 1 to 65535, got ${JSON.stringify(port)}`);
  const user = raw.user ?? 'root';
  if (typeof user !== 'string' || !USER.test(user)) fail('user', `expected a user name, got ${JSON.stringify(user)}`);
  if (raw.sudo !== undefined && typeof raw.sudo !== 'boolean') fail('sudo', `expected true or false, got ${JSON.stringify(raw.sudo)}`);
  if (raw.agent !== undefined && raw.agent !== true && raw.agent !== false) fail('agent', `expected true or false, got ${JSON.stringify(raw.agent)}`);
  const agent = raw.agent === true;
  let auth: HostAuth | undefined;
  if (raw.keyFile !== undefined && agent) fail('keyFile', 'give keyFile or agent: true, not both');
  else if (raw.keyFile !== undefined) {
    if (typeof raw.keyFile !== 'string' || raw.keyFile.trim() === '') fail('keyFile', `expected a file path, got ${JSON.stringify(raw.keyFile)}`);
    else auth = { keyFile: expandPath(raw.keyFile, base) };
  } else if (agent) auth = { agent: true };
  else if (raw.agent === undefined) fail('', 'no way to log in: give keyFile: PATH (a private key) or agent: true (the running ssh-agent)');
  if (failed || auth === undefined) return undefined;
  return { name: name as string, address: address as string, ...(raw.ip === undefined ? {} : { ip: raw.ip as string }), port: port as number, user: user as string, auth, sudo: raw.sudo === true };
}

/** Every key file exists and can be read (its content is read only when connecting). */
function checkKeyFiles(inventory: Inventory): void {
  const problems = new Set<string>();
  for (const h of inventory.hosts) {
    if (!('keyFile' in h.auth)) {
      if (!process.env.SSH_AUTH_SOCK) problems.add(`${h.origin}: ${h.name}: agent: true, but no ssh-agent is running (SSH_AUTH_SOCK is not set)`);
      continue;
    }
    const path = h.auth.keyFile;
    try {
      accessSync(path, constants.R_OK);
      if (!statSync(path).isFile()) problems.add(`${h.origin}: ${h.name}: keyFile ${path} is not a file`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.add(`${h.origin}: ${h.name}: keyFile ${path} ${code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be read (${code})`}`);
    }
  }
  if (problems.size > 0) throw new InputError([...problems].join('\n'));
}

/** `~/x` → home; relative → under `base`. */
function expandPath(path: string, base: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(base, path);
}

function duplicates<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? true : (seen.add(key(t)), false)));
}

function lineNumber(origin: string): number | undefined {
  const n = Number(origin.slice(origin.lastIndexOf(':') + 1));
  return Number.isInteger(n) ? n : undefined;
}

/** ` (did you mean keyFile?)` for a field that differs only in case or `_`/`-`. */
function suggest(key: string, known: readonly string[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const hit = known.find((k) => norm(k) === norm(key));
  return hit ? ` (did you mean ${hit}?)` : '';
}
