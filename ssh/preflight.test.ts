import { describe, expect, it } from 'vitest';
import type { InventoryHost } from './inventory.ts';
import { hostProblems, parseFacts, rootPrefix, runsBase } from './preflight.ts';
import { quote, scriptCommand } from './shell.ts';

const host = (name: string, over: Partial<InventoryHost> = {}): InventoryHost => ({ name, address: `h-${name}`, port: 22, user: 'root', auth: { agent: true }, sudo: false, origin: 'test', ...over });
const facts = (h: InventoryHost, text: string) => parseFacts(h, text);
const rootFacts = (name: string, controller = '10.0.0.100') => facts(host(name), `conn=${controller} 50000 10.0.0.1 22\nuid=0\nuser=root\nhome=/root\nos=Linux\nboot=b\niptables=ok\n`);
const ips = (entries: [string, string][]) => new Map(entries);

describe('preflight facts', () => {
  it('reads what the host said', () => {
    const f = facts(host('n1', { user: 'admin', sudo: true }), 'conn=192.0.2.9 40000 192.0.2.1 22\nuid=1000\nuser=admin\nhome=/home/admin\nos=Linux\nboot=abc\nmissing=setpriv\nsudo=ok\niptables=fail iptables is not installed\n');
    expect(f).toMatchObject({ controller: '192.0.2.9', uid: 1000, user: 'admin', home: '/home/admin', os: 'Linux', bootId: 'abc', missing: ['setpriv'], sudo: 'ok', iptables: 'iptables is not installed' });
    expect(rootPrefix(f)).toEqual(['sudo', '-n']);
    expect(runsBase(f)).toBe('/home/admin/.faultline/runs');
    expect(runsBase(rootFacts('n2'))).toBe('/var/lib/faultline/runs');
    expect(rootPrefix(rootFacts('n2'))).toEqual([]);
    expect(rootPrefix(facts(host('n3', { user: 'u' }), 'uid=1000\n'))).toBeUndefined();
  });
});

describe('hostProblems', () => {
  const needs = { faults: true };

  it('none for root hosts with iptables and their own addresses', () => {
    expect(hostProblems([rootFacts('n1'), rootFacts('n2')], ips([['n1', '10.0.0.1'], ['n2', '10.0.0.2']]), needs)).toEqual([]);
  });

  it('names the host and says what to do for sudo that fails, missing root, missing iptables and tools', () => {
    const noSudo = facts(host('n1', { user: 'plain', sudo: true }), 'conn=10.0.0.100 1 2 3\nuid=1001\nuser=plain\nhome=/home/plain\nos=Linux\nsudo=fail sudo: a password is required\n');
    const notRoot = facts(host('n2', { user: 'plain' }), 'conn=10.0.0.100 1 2 3\nuid=1001\nuser=plain\nhome=/home/plain\nos=Linux\n');
    const noIptables = facts(host('n3'), 'conn=10.0.0.100 1 2 3\nuid=0\nuser=root\nhome=/root\nos=Linux\nmissing=setpriv\niptables=fail iptables is not installed\n');
    expect(hostProblems([noSudo, notRoot, noIptables], ips([['n1', '10.0.0.1'], ['n2', '10.0.0.2'], ['n3', '10.0.0.3']]), needs)).toEqual([
      'n1 (plain@h-n1:22): the inventory says sudo: true, but `sudo -n true` fails as plain: sudo: a password is required (faultline needs passwordless sudo: a line like "plain ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/)',
      'n2 (plain@h-n2:22): network faults need root (iptables), but plain is not root and the inventory does not say sudo: true for this host',
      'n3 (root@h-n3:22): missing setpriv (Debian: apt-get install coreutils util-linux mawk tar)',
      'n3 (root@h-n3:22): network faults need iptables, which cannot run there: iptables is not installed (Debian: apt-get install iptables)',
    ]);
    // Without faults, a plain user is fine; a sudo that fails is still a problem (the inventory asked for it).
    expect(hostProblems([notRoot], ips([['n2', '10.0.0.2']]), { faults: false })).toEqual([]);
    expect(hostProblems([noSudo], ips([['n1', '10.0.0.1']]), { faults: false })).toHaveLength(1);
  });

  it('refuses shared addresses and a peer at the controller\'s own address', () => {
    expect(hostProblems([rootFacts('n1'), rootFacts('n2')], ips([['n1', '127.0.0.1'], ['n2', '127.0.0.1']]), needs)).toEqual([
      'n1 and n2 share the address 127.0.0.1: partitions tell hosts apart by address (set ip: for each host to the address the others reach it at)',
    ]);
    expect(hostProblems([rootFacts('n1', '10.0.0.2'), rootFacts('n2')], ips([['n1', '10.0.0.1'], ['n2', '10.0.0.2']]), needs)).toEqual([
      "n1 sees the controller's SSH connection come from 10.0.0.2, which is n2's address: cutting n2 off from n1 would also cut off the controller",
    ]);
  });

  it('notices a login shell that did not run the check, and a host that is not Linux', () => {
    expect(hostProblems([facts(host('n1'), 'garbage')], ips([['n1', '10.0.0.1']]), { faults: false })).toEqual([
      'n1 (root@h-n1:22): not a Linux host (uname -s says "")',
      "n1 (root@h-n1:22): the login shell did not run faultline's check (is it a POSIX shell? bash, dash and zsh are)",
    ]);
  });
});

describe('shell', () => {
  it('quotes words for a POSIX shell so they come back unchanged', async () => {
    const { execFileSync } = await import('node:child_process');
    const words = ['plain', "it's", 'a b', '$HOME', '`x`', '"q"', '\\n', '', '*', 'ü'];
    const out = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${words.map(quote).join(' ')}`]).toString();
    expect(out).toBe(`${words.join('\n')}\n`);
    expect(scriptCommand('echo "$1"', ['x y'], ['sudo', '-n'])).toBe(`sudo -n /bin/sh -c 'echo "$1"' faultline 'x y'`);
  });
});
