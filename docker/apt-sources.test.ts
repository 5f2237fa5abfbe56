import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../harness/errors.ts';
import { debianMirror, parseDeb822, parseOneLine, pickDebianMirror, readAptSources } from './apt-sources.ts';

// The shape of this machine's /etc/apt/sources.list.d/debian.sources, with a comment inside a stanza.
const DEBIAN_SOURCES = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

describe('apt sources', () => {
  it('parses deb822 stanzas, skipping comments and disabled stanzas, joining continuation lines', () => {
    const text = `${DEBIAN_SOURCES}\nTypes: deb deb-src\nURIs: http://a.example/debian\n  http://b.example/debian\nSuites: trixie\nComponents: main contrib\nEnabled: no\n`;
    const sources = parseDeb822(text, 'x.sources');
    expect(sources).toHaveLength(2);
    expect(sources[0]).toEqual({
      types: ['deb'],
      uris: ['http://mirror.example/debian'],
      suites: ['bookworm', 'bookworm-updates'],
      components: ['main'],
      file: 'x.sources',
    });
    const enabled = parseDeb822(text.replace('Enabled: no', 'Enabled: yes'), 'x.sources');
    expect(enabled[2]?.uris).toEqual(['http://a.example/debian', 'http://b.example/debian']);
  });

  it('parses one-line entries with options and trailing comments', () => {
    const text = [
      '# a comment',
      'deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib # tail',
      'deb-src http://mirror.example/debian bookworm main',
      'not an entry',
    ].join('\n');
    expect(parseOneLine(text, 'sources.list')).toEqual([
      { types: ['deb'], uris: ['http://mirror.example/debian'], suites: ['bookworm'], components: ['main', 'contrib'], file: 'sources.list' },
      { types: ['deb-src'], uris: ['http://mirror.example/debian'], suites: ['bookworm'], components: ['main'], file: 'sources.list' },
    ]);
  });

  it('picks the main archive for the suite, never security, source-only or third-party repositories', () => {
    const third = parseOneLine('deb https://repo.example/node_20.x nodistro main', 'n.list');
    const src = parseOneLine('deb-src http://src.example/debian bookworm main', 's.list');
    const security = parseDeb822(DEBIAN_SOURCES, 'd.sources').slice(1);
    expect(pickDebianMirror([...third, ...src, ...security, ...parseDeb822(DEBIAN_SOURCES, 'd.sources')])).toBe('http://mirror.example/debian');
    expect(pickDebianMirror([...third, ...src, ...security])).toBeUndefined();
  });

  it('falls back to another Debian release on the same mirror, and strips a trailing slash', () => {
    const sources = parseOneLine('deb http://m.example/debian/ stable main\ndeb http://other.example/debian bookworm contrib', 'l');
    expect(pickDebianMirror(sources, 'bookworm')).toBe('http://m.example/debian');
  });

  it('reads only .list and .sources files, as apt does, and says where it looked when nothing fits', () => {
    const root = mkdtempSync(join(tmpdir(), 'apt-'));
    mkdirSync(join(root, 'sources.list.d'));
    writeFileSync(join(root, 'sources.list.d', 'a.list.disabled-by-farm'), 'deb http://disabled.example/debian bookworm main\n');
    writeFileSync(join(root, 'sources.list.d', 'z.sources'), DEBIAN_SOURCES);
    expect(readAptSources(root).map((s) => s.uris[0])).toEqual(['http://mirror.example/debian', 'http://mirror.example/debian-security']);
    expect(debianMirror(root)).toBe('http://mirror.example/debian');
    const empty = mkdtempSync(join(tmpdir(), 'apt-'));
    expect(() => debianMirror(empty)).toThrow(EnvironmentError);
    expect(() => debianMirror(empty)).toThrow(/no Debian mirror found in .*sources\.list/);
  });
});
