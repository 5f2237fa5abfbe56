import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Writable } from 'node:stream';
import ssh2, { type Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import { InputError } from '../harness/errors.ts';
import type { InventoryHost } from './inventory.ts';
import { appendKnownHost, fingerprint, keyType, knownKeyTypes, readKnownHosts, verifyHostKey } from './known-hosts.ts';

export interface HostKeyPolicy {
  /** The known_hosts file keys are checked against (and new ones appended to). */
  knownHostsFile: string;
  /** Append the key of a host known_hosts does not list yet. A changed key is refused regardless. */
  acceptNewHostKeys: boolean;
}

export interface ConnectOptions extends HostKeyPolicy {
  /** How long the TCP connect, handshake and login may take (default 10 s). */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunOptions {
  stdin?: string | Buffer;
  timeoutMs: number;
  /** Streams stdout here instead of collecting it. */
  stdout?: Writable;
  /** Called when `timeoutMs` passes, before the channel is closed: kill what the command left. */
  onTimeout?: () => Promise<void>;
  /** For the timeout error: what ran, in words. */
  what: string;
  /**
   * Skip the queue for a channel (sshd allows a couple more than MAX_CHANNELS): the kill sent when
   * a command times out must not wait behind the hung commands that hold every channel.
   */
  urgent?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Channels one connection keeps open at once; OpenSSH's sshd allows 10 per connection (MaxSessions). */
const MAX_CHANNELS = 8;

/** Host key algorithms per key type, for preferring the types known_hosts already holds. */
const ALGORITHMS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * One SSH connection to one host, shared by every command the run sends there (each command is a
 * channel of its own, at most MAX_CHANNELS at a time; the rest wait their turn). The host key is
 * verified against known_hosts on the first connect and pinned: a reconnect after the connection
 * dropped must present the same key.
 */
export class HostConnection {
  private client: Client;
  private pinnedKey: Buffer;
  private lost?: string;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private closing = false;

  private constructor(
    readonly host: InventoryHost,
    private readonly options: ConnectOptions,
    client: Client,
    key: Buffer,
  ) {
    this.client = client;
    this.pinnedKey = key;
    this.watch(client);
  }

  /** `n2 (10.0.0.12:22)`: how errors name the host. */
  get label(): string {
    return hostLabel(this.host);
  }

  static async open(host: InventoryHost, options: ConnectOptions): Promise<HostConnection> {
    const { client, key } = await connect(host, options, undefined);
    return new HostConnection(host, options, client, key);
  }

  /** Runs `command` (a shell command line) on a channel of its own. */
  async run(command: string, options: RunOptions): Promise<RunResult> {
    if (options.urgent) return this.runOnChannel(command, options);
    await this.acquire();
    try {
      if (this.lost !== undefined && !this.closing) await this.reconnect();
      return await this.runOnChannel(command, options);
    } finally {
      this.release();
    }
  }

  close(): void {
    this.closing = true;
    this.client.end();
  }

  private async runOnChannel(command: string, options: RunOptions): Promise<RunResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exitCode = -1;
    let channel: ClientChannel | undefined;
    // Listeners go on in the exec callback itself: the exit status may arrive in the same packet
    // batch as the exec confirmation, before any awaiting code would run.
    const closed = new Promise<'closed'>((resolve, reject) => {
      this.client.exec(command, (e, ch) => {
        if (e) return reject(new Error(`${this.label}: cannot start a command: ${e.message}${this.lost ? ` (${this.lost})` : ''}`));
        channel = ch;
        if (options.stdout) ch.pipe(options.stdout);
        else ch.on('data', (b: Buffer) => out.push(b));
        ch.stderr.on('data', (b: Buffer) => err.push(b));
        ch.on('exit', (code: number | null, signal?: string) => {
          exitCode = code ?? 128 + (signal ? (constants.signals[signal as keyof typeof constants.signals] ?? 0) : 0);
        });
        ch.on('close', () => resolve('closed'));
        ch.end(options.stdin ?? '');
      });
    });
    closed.catch(() => undefined); // a failure after a timeout has nobody left to tell
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
    const outcome = await Promise.race([closed, timedOut]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      await options.onTimeout?.().catch(() => undefined);
      channel?.destroy();
      throw new Error(`${options.what} on ${this.host.name} timed out after ${options.timeoutMs} ms`);
    }
    if (exitCode === -1) throw new Error(`${options.what} on ${this.host.name}: the channel closed without an exit status${this.lost ? ` (lost the SSH connection: ${this.lost})` : ''}`);
    return { exitCode, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
  }

  private async reconnect(): Promise<void> {
    const why = this.lost;
    this.options.log?.(`${this.label}: the SSH connection dropped (${why}); reconnecting`);
    const { client } = await connect(this.host, this.options, this.pinnedKey);
    this.client = client;
    this.lost = undefined;
    this.watch(client);
  }

  private watch(client: Client): void {
    client.on('error', (e: Error) => {
      if (client === this.client) this.lost = e.message;
    });
    client.on('close', () => {
      if (client === this.client) this.lost ??= 'connection closed';
    });
  }

  private async acquire(): Promise<void> {
    if (this.active < MAX_CHANNELS) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

export function hostLabel(host: InventoryHost): string {
  return `${host.name} (${host.user}@${host.address}:${host.port})`;
}

/**
 * Connects and logs in. The host key is checked against known_hosts (or, on a reconnect, against
 * the key pinned by the first connect); every refusal is an InputError that names the host and
 * says what to do.
 */
async function connect(host: InventoryHost, options: ConnectOptions, pinned: Buffer | undefined): Promise<{ client: Client; key: Buffer }> {
  const label = hostLabel(host);
  const known = readKnownHosts(options.knownHostsFile);
  let refusal: string | undefined;
  let seen: Buffer | undefined;
  const verify = (key: Buffer): boolean => {
    seen = key;
    if (pinned) {
      if (key.equals(pinned)) return true;
      refusal = `${label}: the host key changed since this run connected (${keyType(key)} ${fingerprint(key)}); refusing to reconnect`;
      return false;
    }
    const verdict = verifyHostKey(known, host.address, host.port, key);
    const fp = `${keyType(key)} ${fingerprint(key)}`;
    switch (verdict.status) {
      case 'known':
        return true;
      case 'revoked':
        refusal = `${label}: the host key ${fp} is marked @revoked in ${options.knownHostsFile}:${verdict.line}; refusing to connect`;
        return false;
      case 'changed':
        refusal =
          `${label}: the host key has CHANGED: it offers ${fp}, but ${options.knownHostsFile}:${verdict.line} lists ${verdict.knownFingerprint}. ` +
          `This is either a reinstalled host or someone in the middle. Refusing to connect (--accept-new-host-keys never accepts a changed key); ` +
          `if you know why it changed, remove the old line (ssh-keygen -R '${host.port === 22 ? host.address : `[${host.address}]:${host.port}`}' -f ${options.knownHostsFile}) and connect again`;
        return false;
      case 'unknown':
        if (options.acceptNewHostKeys) {
          appendKnownHost(options.knownHostsFile, host.address, host.port, key);
          options.log?.(`${label}: added its host key ${fp} to ${options.knownHostsFile}`);
          return true;
        }
        refusal =
          `${label}: unknown host key ${fp} (not in ${options.knownHostsFile}${verdict.otherTypes.length > 0 ? `, which lists only ${verdict.otherTypes.join(', ')} keys for it` : ''}). ` +
          `Check that fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_${keyType(key).replace(/^ssh-|-sha2-nistp\d+$/g, '')}_key.pub), then rerun with --accept-new-host-keys to add it`;
        return false;
    }
  };
  const preferred = (pinned ? [keyType(pinned)] : knownKeyTypes(known, host.address, host.port)).flatMap((t) => ALGORITHMS[t] ?? []);
  const config: ConnectConfig = {
    host: host.address,
    port: host.port,
    username: host.user,
    forceIPv4: true,
    readyTimeout: options.readyTimeoutMs ?? 10_000,
    keepaliveInterval: 5_000,
    keepaliveCountMax: 3,
    hostVerifier: verify,
    ...(preferred.length > 0 ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } } : {}),
    ...authConfig(host, label),
  };
  const client = new ssh2.Client();
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.connect(config);
    });
  } catch (err) {
    client.end();
    throw new InputError(refusal ?? connectProblem(host, label, err as Error & { level?: string; code?: string }));
  }
  client.setNoDelay(true);
  return { client, key: seen! };
}

function authConfig(host: InventoryHost, label: string): Pick<ConnectConfig, 'privateKey' | 'agent'> {
  if ('agent' in host.auth) return { agent: process.env.SSH_AUTH_SOCK };
  const file = host.auth.keyFile;
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (err) {
    throw new InputError(`${label}: cannot read the key file ${file}: ${(err as Error).message}`);
  }
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new InputError(
      encrypted
        ? `${label}: the key file ${file} is protected by a passphrase; load it into ssh-agent (ssh-add ${file}) and use agent: true (or --ssh-agent)`
        : `${label}: the key file ${file} is not a private key ssh2 can read: ${parsed.message}`,
    );
  }
  if (!parsed.isPrivateKey()) throw new InputError(`${label}: the key file ${file} holds a public key; keyFile must name the private key`);
  return { privateKey: key };
}

function connectProblem(host: InventoryHost, label: string, err: Error & { level?: string; code?: string }): string {
  const how = 'agent' in host.auth ? 'with the keys in ssh-agent' : `with the key ${host.auth.keyFile}`;
  if (err.level === 'client-authentication') return `${label}: login refused: the host accepted none of the offered keys (${how})`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `${label}: cannot connect: connection refused (is sshd listening on port ${host.port}?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${label}: cannot connect: the address ${host.address} does not resolve`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${label}: cannot connect: no route to the host`;
    case 'ETIMEDOUT':
      return `${label}: cannot connect: no answer`;
  }
  if (/timed out/i.test(err.message)) return `${label}: cannot connect: no SSH handshake within the time allowed (${err.message})`;
  return `${label}: cannot connect: ${err.message}`;
}
