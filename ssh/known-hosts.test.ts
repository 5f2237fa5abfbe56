import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { appendKnownHost, fingerprint, hostMatches, keyType, knownHostLine, parseKnownHosts, readKnownHosts, verifyHostKey } from './known-hosts.ts';

// Public keys made with ssh-keygen for these tests; the hashed lines are what `ssh-keygen -H` wrote.
const ED1 = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIEW0VGiJAhpQQ5jSVG16I55+8XA2jgquFahocYbLO/A9', 'base64');
const ED2 = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIDfDQalo/IqNP7g5zRoj0TcF62tvqfQTAfu7IJokKLRp', 'base64');
const ECDSA = Buffer.from('AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPpm7S6DsBDhe4czp3ygfOoazt0KMoKZDJboRAkxWJE+26qLX8Tdq2t7nuJ9H3RNKpGtNsocdbT1pmwTPXqWw/I=', 'base64');
const HASHED_10_0_0_5 = `|1|W1LZNh8ll4jIh4WPpGBXXAnpTSQ=|hHKOsvSFnc/3iriHljcpQJAO+1k= ssh-ed25519 ${ED1.toString('base64')}`;
const HASHED_10_0_0_5_2222 = `|1|6exSaXGtO9zAw9F4k9sH8YWODi8=|exvZUuvVA3KfAnaO36tQHRboMPw= ssh-ed25519 ${ED2.toString('base64')}`;

const dir = mkdtempSync(join(tmpdir(), 'faultline-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keys', () => {
  it('reads the key type from the blob and prints the fingerprint as ssh-keygen -l does', () => {
    expect(keyType(ED1)).toBe('ssh-ed25519');
    expect(keyType(ECDSA)).toBe('ecdsa-sha2-nistp256');
    expect(keyType(Buffer.alloc(2))).toBe('unknown');
    // `ssh-keygen -lf` on the key printed this.
    expect(fingerprint(ED1)).toBe('SHA256:LXrj/Tuo6LJu8aTqojqVs2MOo2dHOyspYp0GbfD+eGA');
  });
});

describe('hostMatches', () => {
  it('matches OpenSSH-hashed names, with and without a port', () => {
    const hashed = parseKnownHosts(`${HASHED_10_0_0_5}\n${HASHED_10_0_0_5_2222}\n`);
    expect(hostMatches(hashed[0]!.hosts, '10.0.0.5')).toBe(true);
    expect(hostMatches(hashed[0]!.hosts, '10.0.0.6')).toBe(false);
    expect(hostMatches(hashed[1]!.hosts, '[10.0.0.5]:2222')).toBe(true);
    expect(hostMatches(hashed[1]!.hosts, '10.0.0.5')).toBe(false);
  });

  it('matches lists, patterns and negations', () => {
    expect(hostMatches('a.example,b.example', 'b.example')).toBe(true);
    expect(hostMatches('*.example,!bad.example', 'good.example')).toBe(true);
    expect(hostMatches('*.example,!bad.example', 'bad.example')).toBe(false);
    expect(hostMatches('10.0.0.?', '10.0.0.7')).toBe(true);
    expect(hostMatches('10.0.0.?', '10.0.0.17')).toBe(false);
    expect(hostMatches('[h]:2222', '[h]:2222')).toBe(true);
    expect(hostMatches('h', '[h]:2222')).toBe(false);
    // A dot in a pattern is a dot, not "any character".
    expect(hostMatches('10.0.0.1', '10x0x0x1')).toBe(false);
  });

  it('a plain name always matches itself and nothing else', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.-]{1,20}$/), fc.stringMatching(/^[a-z0-9.-]{1,20}$/), (a, b) => {
        expect(hostMatches(a, a)).toBe(true);
        expect(hostMatches(a, b)).toBe(a === b);
      }),
    );
  });
});

describe('verifyHostKey', () => {
  const lines = parseKnownHosts(
    [
      '# a comment',
      `10.0.0.5 ssh-ed25519 ${ED1.toString('base64')} root@n1`,
      `[10.0.0.6]:2222 ecdsa-sha2-nistp256 ${ECDSA.toString('base64')}`,
      `@revoked * ssh-ed25519 ${ED2.toString('base64')}`,
      `@cert-authority *.example ssh-ed25519 ${ED1.toString('base64')}`,
      'garbage line',
    ].join('\n'),
  );

  it('knows a listed key, and says on which line', () => {
    expect(verifyHostKey(lines, '10.0.0.5', 22, ED1)).toEqual({ status: 'known', line: 2 });
  });

  it('calls a different key of the same type for a listed host a change', () => {
    const other = Buffer.concat([ED1.subarray(0, ED1.length - 1), Buffer.from([ED1.at(-1)! ^ 1])]);
    expect(verifyHostKey(lines, '10.0.0.5', 22, other)).toEqual({ status: 'changed', line: 2, knownFingerprint: fingerprint(ED1) });
  });

  it('calls a host unknown when it is not listed, or listed only with other key types, or only on another port', () => {
    expect(verifyHostKey(lines, '10.0.0.9', 22, ED1)).toEqual({ status: 'unknown', otherTypes: [] });
    expect(verifyHostKey(lines, '10.0.0.6', 2222, ED1)).toEqual({ status: 'unknown', otherTypes: ['ecdsa-sha2-nistp256'] });
    expect(verifyHostKey(lines, '10.0.0.6', 22, ECDSA)).toEqual({ status: 'unknown', otherTypes: [] });
    // A host certificate authority is not a host key.
    expect(verifyHostKey(lines, 'x.example', 22, ED1)).toEqual({ status: 'unknown', otherTypes: [] });
  });

  it('refuses a revoked key wherever it is offered', () => {
    expect(verifyHostKey(lines, 'anything', 22, ED2)).toEqual({ status: 'revoked', line: 4 });
  });
});

describe('appendKnownHost', () => {
  it('creates the file 0600 (and its folder), appends lines the parser reads back, and keeps what was there', () => {
    const file = join(dir, 'new', 'known_hosts');
    appendKnownHost(file, '10.0.0.5', 22, ED1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, `${readFileSync(file, 'utf8')}# no newline at the end`);
    appendKnownHost(file, '10.0.0.5', 2222, ED2);
    expect(readFileSync(file, 'utf8')).toBe(`10.0.0.5 ssh-ed25519 ${ED1.toString('base64')}\n# no newline at the end\n[10.0.0.5]:2222 ssh-ed25519 ${ED2.toString('base64')}\n`);
    const back = readKnownHosts(file);
    expect(verifyHostKey(back, '10.0.0.5', 22, ED1).status).toBe('known');
    expect(verifyHostKey(back, '10.0.0.5', 2222, ED2).status).toBe('known');
    expect(knownHostLine('h', 22, ECDSA)).toBe(`h ecdsa-sha2-nistp256 ${ECDSA.toString('base64')}`);
    expect(readKnownHosts(join(dir, 'absent'))).toEqual([]);
  });
});
