import type { HostConnection } from './connection.ts';
import type { InventoryHost } from './inventory.ts';
import { SCRIPTS } from './remote-scripts.ts';
import { scriptCommand } from './shell.ts';

/** What a host is and what it lets faultline do, as its preflight script reported it. */
export interface HostFacts {
  host: InventoryHost;
  /** The controller's address as the host sees it (SSH_CONNECTION's first field). */
  controller: string;
  uid: number;
  user: string;
  home: string;
  os: string;
  bootId: string;
  missing: string[];
  /** `ok`, the first line of what sudo said, or undefined when sudo was not asked for. */
  sudo?: string;
  /** `ok`, what went wrong, or undefined when not checked (faults not needed, or no root). */
  iptables?: string;
}

export interface Needs {
  /** Network faults: root (or sudo) and a working iptables on every host, distinct addresses. */
  faults: boolean;
}

/** How commands get root on the host: nothing (logged in as root), `sudo -n`, or none at all. */
export function rootPrefix(facts: HostFacts): string[] | undefined {
  if (facts.uid === 0) return [];
  return facts.sudo === 'ok' ? ['sudo', '-n'] : undefined;
}

/** Where the host's run directories live: root's, or the login user's own. */
export function runsBase(facts: HostFacts): string {
  return facts.uid === 0 ? '/var/lib/faultline/runs' : `${facts.home.replace(/\/+$/, '')}/.faultline/runs`;
}

export async function probeHost(conn: HostConnection, needs: Needs): Promise<HostFacts> {
  const host = conn.host;
  const r = await conn.run(scriptCommand(SCRIPTS.preflight, [host.sudo ? '1' : '0', needs.faults ? '1' : '0']), { timeoutMs: 20_000, what: 'the preflight check' });
  return parseFacts(host, r.stdout.toString());
}

export function parseFacts(host: InventoryHost, text: string): HostFacts {
  const facts: HostFacts = { host, controller: '', uid: -1, user: '', home: '', os: '', bootId: '', missing: [] };
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'conn') facts.controller = value.split(' ')[0] ?? '';
    else if (key === 'uid') facts.uid = Number.parseInt(value, 10);
    else if (key === 'user') facts.user = value;
    else if (key === 'home') facts.home = value;
    else if (key === 'os') facts.os = value;
    else if (key === 'boot') facts.bootId = value;
    else if (key === 'missing') facts.missing.push(value);
    else if (key === 'sudo') facts.sudo = value.replace(/^fail\s*/, '') || 'failed';
    else if (key === 'iptables') facts.iptables = value === 'ok' ? 'ok' : value.replace(/^fail\s*/, '') || 'failed';
  }
  return facts;
}

/**
 * Every reason these hosts cannot be used as asked, each naming its host. `ips` are the hosts'
 * addresses on the test network, by name.
 */
export function hostProblems(all: readonly HostFacts[], ips: ReadonlyMap<string, string>, needs: Needs): string[] {
  const problems: string[] = [];
  for (const f of all) {
    const name = `${f.host.name} (${f.host.user}@${f.host.address}:${f.host.port})`;
    if (f.os !== 'Linux') problems.push(`${name}: not a Linux host (uname -s says ${JSON.stringify(f.os)})`);
    if (f.uid < 0 || f.home === '') problems.push(`${name}: the login shell did not run faultline's check (is it a POSIX shell? bash, dash and zsh are)`);
    if (f.missing.length > 0) problems.push(`${name}: missing ${f.missing.join(', ')} (Debian: apt-get install coreutils util-linux mawk tar)`);
    if (f.host.sudo && f.uid !== 0 && f.sudo !== 'ok') {
      problems.push(`${name}: the inventory says sudo: true, but \`sudo -n true\` fails as ${f.user || f.host.user}: ${f.sudo ?? 'no answer'} (faultline needs passwordless sudo: a line like "${f.user || f.host.user} ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/)`);
    } else if (needs.faults && rootPrefix(f) === undefined) {
      problems.push(`${name}: network faults need root (iptables), but ${f.user || f.host.user} is not root and the inventory does not say sudo: true for this host`);
    }
    if (needs.faults && rootPrefix(f) !== undefined && f.iptables !== 'ok') {
      problems.push(`${name}: network faults need iptables, which cannot run there: ${f.iptables ?? 'not checked'}${/not installed/.test(f.iptables ?? '') ? ' (Debian: apt-get install iptables)' : ''}`);
    }
  }
  if (needs.faults) {
    const byIp = new Map<string, string[]>();
    for (const [name, ip] of ips) byIp.set(ip, [...(byIp.get(ip) ?? []), name]);
    for (const [ip, names] of byIp) {
      if (names.length > 1) problems.push(`${names.join(' and ')} share the address ${ip}: partitions tell hosts apart by address (set ip: for each host to the address the others reach it at)`);
    }
    for (const f of all) {
      for (const [name, ip] of ips) {
        if (name !== f.host.name && ip === f.controller) {
          problems.push(`${f.host.name} sees the controller's SSH connection come from ${ip}, which is ${name}'s address: cutting ${name} off from ${f.host.name} would also cut off the controller`);
        }
      }
    }
  }
  return problems;
}
