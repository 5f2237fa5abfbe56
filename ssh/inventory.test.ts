import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../harness/errors.ts';
import { inventoryFromFlags, inventoryRecord, loadInventory, parseInventory } from './inventory.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-inventory-'));
const key = join(dir, 'id_ed25519');
writeFileSync(key, 'not read by these tests', { mode: 0o600 });
const file = join(dir, 'inv.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The InputError `fn` throws, as the CLI would print it. */
function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('parseInventory', () => {
  it('reads hosts with defaults, resolves paths against the file, and fills in names, ports and users', () => {
    const inv = parseInventory(
      yaml(
        'knownHosts: ./kh',
        'defaults:',
        '  user: admin',
        '  keyFile: ./id_ed25519',
        '  sudo: true',
        'hosts:',
        '  - { name: db1, address: 10.0.0.11, ip: 192.168.7.11 }',
        '  - address: db2.example',
        '    port: 2222',
        '    agent: true',
        '  - 10.0.0.13',
      ),
      file,
    );
    expect(inv.knownHosts).toBe(join(dir, 'kh'));
    expect(inv.file).toBe(file);
    expect(inv.hosts).toEqual([
      { name: 'db1', address: '10.0.0.11', ip: '192.168.7.11', port: 22, user: 'admin', auth: { keyFile: key }, sudo: true, origin: `${file}:7` },
      // The host's own way to log in replaces the default key file.
      { name: 'n2', address: 'db2.example', port: 2222, user: 'admin', auth: { agent: true }, sudo: true, origin: `${file}:8` },
      { name: 'n3', address: '10.0.0.13', port: 22, user: 'admin', auth: { keyFile: key }, sudo: true, origin: `${file}:11` },
    ]);
  });

  it('defaults to root, port 22, no sudo, and expands ~ in key paths', () => {
    const inv = parseInventory(yaml('hosts:', '  - { address: h1, keyFile: ~/.ssh/k }'), file);
    expect(inv.hosts[0]).toMatchObject({ name: 'n1', user: 'root', port: 22, sudo: false });
    expect((inv.hosts[0]!.auth as { keyFile: string }).keyFile).toMatch(/\/\.ssh\/k$/);
    expect((inv.hosts[0]!.auth as { keyFile: string }).keyFile.startsWith('~')).toBe(false);
  });

  it('names the file, the line and the field of every problem, all at once', () => {
    const text = yaml(
      'hosts:',
      '  - name: n1', //                 line 2
      '    address: 10.0.0.1',
      '    port: 70000', //               line 4
      '    keyfile: ./k', //              line 5
      '  - { name: n1, address: "a b", agent: yes }', // line 6
      '  - { address: h3, keyFile: ./k, agent: true }', // line 7
      'nodes: 3', //                      line 8
    );
    expect(problem(() => parseInventory(text, 'inv.yaml'))).toBe(
      [
        'inv.yaml has 7 problems:',
        '  inv.yaml:8: unknown field "nodes" (fields: hosts, defaults, knownHosts)',
        '  inv.yaml:5: hosts[0].keyfile: unknown field (did you mean keyFile?) (fields: name, address, ip, port, user, keyFile, agent, sudo)',
        '  inv.yaml:4: hosts[0].port: expected an integer from 1 to 65535, got 70000',
        '  inv.yaml:2: hosts[0]: no way to log in: give keyFile: PATH (a private key) or agent: true (the running ssh-agent)',
        '  inv.yaml:6: hosts[1].address: expected a host name or an IPv4 address, got "a b"',
        '  inv.yaml:6: hosts[1].agent: expected true or false, got "yes"',
        '  inv.yaml:7: hosts[2].keyFile: give keyFile or agent: true, not both',
      ].join('\n'),
    );
  });

  it('reports one problem on one line, with the file and line in front', () => {
    expect(problem(() => parseInventory(yaml('hosts:', '  - { address: h1, agent: true, sudo: 1 }'), 'inv.yaml'))).toBe('inv.yaml:2: hosts[0].sudo: expected true or false, got 1');
  });

  it('refuses duplicate names and addresses, and bad YAML with its line', () => {
    expect(problem(() => parseInventory(yaml('defaults: { agent: true }', 'hosts:', '  - { name: a, address: h1 }', '  - { name: a, address: h1 }'), 'i.yaml'))).toBe(
      ['i.yaml has 2 problems:', '  i.yaml:4: hosts: the name "a" is used twice', '  i.yaml:4: hosts: h1:22 is listed twice'].join('\n'),
    );
    expect(problem(() => parseInventory(yaml('hosts:', '  - { address: h1', 'x: ]'), 'i.yaml'))).toMatch(/^i\.yaml has 2 problems:\n {2}i\.yaml:3: not valid YAML: Flow map in block collection must be sufficiently indented and end with a }\n/);
    expect(problem(() => parseInventory(yaml('- h1'), 'i.yaml'))).toBe('i.yaml:1: expected a mapping with a `hosts:` list');
    expect(problem(() => parseInventory(yaml('hosts: []'), 'i.yaml'))).toBe('i.yaml:1: hosts: expected a non-empty list of hosts');
    expect(problem(() => parseInventory(yaml('defaults: { address: x }', 'hosts: [h1]'), 'i.yaml'))).toMatch(/^i\.yaml has 2 problems:\n {2}i\.yaml:1: defaults\.address: not a field defaults may set/);
  });
});

describe('loadInventory', () => {
  it('checks that key files exist, naming the host and where it was declared', () => {
    writeFileSync(file, yaml('hosts:', '  - { address: h1, keyFile: ./id_ed25519 }', '  - { address: h2, keyFile: ./missing }'));
    expect(problem(() => loadInventory(file))).toBe(`${file}:3: n2: keyFile ${join(dir, 'missing')} does not exist`);
    expect(problem(() => loadInventory(join(dir, 'nope.yaml')))).toBe(`${join(dir, 'nope.yaml')}: cannot read the inventory: no such file`);
  });
});

describe('inventoryFromFlags', () => {
  it('makes hosts n1…nN in order with the shared user and key', () => {
    const inv = inventoryFromFlags({ hosts: '10.0.0.1, db2:2222,db3', sshUser: 'admin', sshKey: key, sudo: true });
    expect(inv.hosts.map((h) => [h.name, h.address, h.port, h.user, h.sudo, h.origin])).toEqual([
      ['n1', '10.0.0.1', 22, 'admin', true, '--hosts'],
      ['n2', 'db2', 2222, 'admin', true, '--hosts'],
      ['n3', 'db3', 22, 'admin', true, '--hosts'],
    ]);
    expect(inv.hosts[0]!.auth).toEqual({ keyFile: key });
  });

  it('names the flag in every error', () => {
    expect(problem(() => inventoryFromFlags({ hosts: 'a,,b', sshKey: key }))).toBe('--hosts: expected a comma-separated list of host[:port], got "a,,b"');
    expect(problem(() => inventoryFromFlags({ hosts: 'a' }))).toBe('--hosts needs --ssh-key FILE or --ssh-agent');
    expect(problem(() => inventoryFromFlags({ hosts: 'a:0,b', sshKey: key, sshUser: 'bad user' }))).toBe(
      ['--hosts entry 1 (a:0) port: expected an integer from 1 to 65535, got 0', '--ssh-user: expected a user name, got "bad user"'].join('\n'),
    );
    expect(problem(() => inventoryFromFlags({ hosts: 'a', sshKey: join(dir, 'nokey') }))).toBe(`--hosts: n1: keyFile ${join(dir, 'nokey')} does not exist`);
  });
});

describe('inventoryRecord', () => {
  it('records hosts and the key file path, never key material', () => {
    writeFileSync(key, '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n-----END OPENSSH PRIVATE KEY-----\n');
    const inv = inventoryFromFlags({ hosts: 'a,b', sshKey: key });
    const text = JSON.stringify(inventoryRecord(inv));
    expect(text).not.toContain('secret');
    expect(text).not.toContain('PRIVATE KEY');
    expect(inventoryRecord(inv)[0]).toEqual({ name: 'n1', address: 'a', port: 22, user: 'root', auth: `key file ${key}`, sudo: false });
  });
});
