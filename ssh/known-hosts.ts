import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * OpenSSH's known_hosts, as far as a client that verifies needs it: plain, comma-separated and
 * hashed (`|1|salt|hmac`) host fields, `[host]:port` for ports other than 22, `*`/`?` patterns and
 * `!` negation, and the `@revoked` marker. `@cert-authority` lines are skipped (faultline does
 * not do host certificates): a host known only through one is unknown here.
 */
export interface KnownHostLine {
  /** 1-based, for messages. */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  hosts: string;
  /** The key type as written (`ssh-ed25519`). */
  type: string;
  key: Buffer;
}

export type HostKeyVerdict =
  | { status: 'known'; line: number }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; line: number; knownFingerprint: string }
  | { status: 'revoked'; line: number };

export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostLine['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m !== '@revoked' && m !== '@cert-authority') return;
      marker = m === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hosts, type, key] = fields;
    if (hosts === undefined || type === undefined || key === undefined || !/^[A-Za-z0-9+/]+=*$/.test(key)) return;
    out.push({ line: i + 1, ...(marker ? { marker } : {}), hosts, type, key: Buffer.from(key, 'base64') });
  });
  return out;
}

/** How a host is named in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function hostField(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** `SHA256:…` as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a raw public key blob names (its first SSH string), e.g. `ssh-ed25519`. */
export function keyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const n = key.readUInt32BE(0);
  return n > 0 && n < 64 && key.length >= 4 + n ? key.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

/** Whether one host field (`a,b,[c]:2222,|1|…|…,*.example,!x`) names `name`. */
export function hostMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (salt === undefined || hash === undefined) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (globMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name.toLowerCase());
}

/**
 * What known_hosts says about `key` offered by `address:port`. A revoked key is refused wherever
 * it appears; a host listed with another key of the same type has changed its key; a host listed
 * only with keys of other types is unknown for this type (OpenSSH asks then, too).
 */
export function verifyHostKey(lines: readonly KnownHostLine[], address: string, port: number, key: Buffer): HostKeyVerdict {
  const name = hostField(address, port);
  const revoked = lines.find((l) => l.marker === 'revoked' && l.key.equals(key));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const mine = lines.filter((l) => l.marker === undefined && hostMatches(l.hosts, name));
  const same = mine.find((l) => l.key.equals(key));
  if (same) return { status: 'known', line: same.line };
  const type = keyType(key);
  const changed = mine.find((l) => keyType(l.key) === type);
  if (changed) return { status: 'changed', line: changed.line, knownFingerprint: fingerprint(changed.key) };
  return { status: 'unknown', otherTypes: [...new Set(mine.map((l) => keyType(l.key)))] };
}

/** Key types known_hosts holds for `address:port`, so the handshake can prefer them. */
export function knownKeyTypes(lines: readonly KnownHostLine[], address: string, port: number): string[] {
  const name = hostField(address, port);
  return [...new Set(lines.filter((l) => l.marker === undefined && hostMatches(l.hosts, name)).map((l) => keyType(l.key)))];
}

export function readKnownHosts(file: string): KnownHostLine[] {
  return existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8')) : [];
}

/** Appends `address:port`'s key (creating the file 0600, and its folder 0700, when missing). */
export function appendKnownHost(file: string, address: string, port: number, key: Buffer): void {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, '', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const text = readFileSync(file, 'utf8');
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  appendFileSync(file, `${sep}${knownHostLine(address, port, key)}\n`);
}

export function knownHostLine(address: string, port: number, key: Buffer): string {
  return `${hostField(address, port)} ${keyType(key)} ${key.toString('base64')}`;
}
