import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { InputError } from '../harness/errors.ts';
import { usePracticeHosts } from '../test/support/practice-hosts.ts';
import { HostConnection } from './connection.ts';
import type { Inventory, InventoryHost } from './inventory.ts';
import { fingerprint, readKnownHosts } from './known-hosts.ts';
import { SshCluster } from './ssh-cluster.ts';

// Bad hosts are refused with an error that names the host and says what to do, before anything
// is created on any host (InputError: the CLI's exit 254).

const lab = usePracticeHosts(2);

const label = (h: InventoryHost) => `${h.name} (${h.user}@${h.address}:${h.port})`;

async function refusal(inventory: Inventory, options: { knownHostsFile?: string; acceptNewHostKeys?: boolean; faults?: boolean } = {}): Promise<string> {
  const err = await SshCluster.connect({ inventory, log: () => undefined, readyTimeoutMs: 4_000, ...options }).then(
    async (c) => {
      await c.teardown();
      return new Error('connected');
    },
    (e: Error) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err.message;
}

/** Run directories on the practice hosts (there must be none after a refusal). */
async function runDirs(): Promise<string> {
  const out: string[] = [];
  for (const h of lab.inventory.hosts) {
    const conn = await HostConnection.open(h, { knownHostsFile: lab.inventory.knownHosts!, acceptNewHostKeys: false });
    out.push((await conn.run('ls /var/lib/faultline/runs 2>/dev/null; true', { timeoutMs: 10_000, what: 'ls' })).stdout.toString().trim());
    conn.close();
  }
  return out.join('');
}

describe('bad hosts', () => {
  it('an unreachable host is named, with every other problem, and nothing is created on the good one', async () => {
    const [n1] = lab.inventory.hosts;
    const refused: InventoryHost = { ...n1!, name: 'n2', address: '127.0.0.1', port: 1 };
    const msg = await refusal({ ...lab.inventory, hosts: [n1!, refused] });
    expect(msg).toBe(`cannot run on these hosts:\n  - ${label(refused)}: cannot connect: connection refused (is sshd listening on port 1?)`);
    expect(await runDirs()).toBe('');
  });

  it('a host that does not answer is named after the connect timeout', async () => {
    // An address on the practice hosts' own network that no host holds.
    const silent: InventoryHost = { ...lab.inventory.hosts[0]!, address: lab.up.hosts[0]!.ip.replace(/\.\d+$/, '.250') };
    const started = Date.now();
    expect(await refusal({ ...lab.inventory, hosts: [silent] })).toMatch(new RegExp(`^cannot run on these hosts:\\n {2}- ${label(silent).replace(/[.()]/g, '\\$&')}: cannot connect: `));
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a key the host does not accept', async () => {
    const wrong = join(lab.work, 'wrong.key');
    writeFileSync(wrong, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
    const hosts = lab.inventory.hosts.map((h) => ({ ...h, auth: { keyFile: wrong } }));
    expect(await refusal({ ...lab.inventory, hosts })).toBe(
      ['cannot run on these hosts:', ...hosts.map((h) => `  - ${label(h)}: login refused: the host accepted none of the offered keys (with the key ${wrong})`)].join('\n'),
    );
    expect(await runDirs()).toBe('');
  });

  it('an unknown host key: refused with its fingerprint and the flag that accepts it; the flag adds it', async () => {
    const file = join(lab.work, 'empty_known_hosts');
    writeFileSync(file, '');
    const keys = readKnownHosts(lab.inventory.knownHosts!);
    const msg = await refusal(lab.inventory, { knownHostsFile: file });
    const lines = msg.split('\n').slice(1);
    expect(lines).toHaveLength(2);
    lab.inventory.hosts.forEach((h, i) => {
      expect(lines[i]).toBe(
        `  - ${label(h)}: unknown host key ssh-ed25519 ${fingerprint(keys[i]!.key)} (not in ${file}). Check that fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then rerun with --accept-new-host-keys to add it`,
      );
    });
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(await runDirs()).toBe('');
    const cluster = await SshCluster.connect({ inventory: lab.inventory, knownHostsFile: file, acceptNewHostKeys: true, log: () => undefined });
    await cluster.teardown();
    // Hosts are connected to at once, so their lines land in the order they answered.
    const sorted = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean).sort();
    expect(sorted(file)).toEqual(sorted(lab.inventory.knownHosts!));
  });

  it('a changed host key is refused always, --accept-new-host-keys or not', async () => {
    const file = join(lab.work, 'changed_known_hosts');
    const impostor = ssh2.utils.parseKey(ssh2.utils.generateKeyPairSync('ed25519').public) as ssh2.ParsedKey;
    writeFileSync(file, `${lab.up.hosts[0]!.ip} ssh-ed25519 ${impostor.getPublicSSH().toString('base64')}\n`);
    const n1 = lab.inventory.hosts[0]!;
    for (const acceptNewHostKeys of [false, true]) {
      const msg = await refusal({ ...lab.inventory, hosts: [n1] }, { knownHostsFile: file, acceptNewHostKeys });
      expect(msg).toContain(`${label(n1)}: the host key has CHANGED: it offers ssh-ed25519 SHA256:`);
      expect(msg).toContain(`but ${file}:1 lists ${fingerprint(impostor.getPublicSSH())}`);
      expect(msg).toContain(`(ssh-keygen -R '${n1.address}' -f ${file})`);
    }
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    expect(await runDirs()).toBe('');
  });

  it('a host without iptables where faults need it', async () => {
    const cluster = await SshCluster.connect({ inventory: lab.inventory, log: () => undefined });
    const hide = ['sh', '-c', 'for t in iptables iptables-restore; do mv /usr/sbin/$t /usr/sbin/$t.hidden; done'];
    const show = ['sh', '-c', 'for t in iptables iptables-restore; do mv /usr/sbin/$t.hidden /usr/sbin/$t; done'];
    expect((await cluster.exec('n2', hide)).exitCode).toBe(0);
    await cluster.teardown();
    try {
      expect(await refusal(lab.inventory, { faults: true })).toBe(
        `cannot run on these hosts:\n  - ${label(lab.inventory.hosts[1]!)}: network faults need iptables, which cannot run there: iptables is not installed (Debian: apt-get install iptables)`,
      );
      expect(await runDirs()).toBe('');
      // The same hosts without faults are fine.
      await (await SshCluster.connect({ inventory: lab.inventory, log: () => undefined })).teardown();
    } finally {
      const fix = await SshCluster.connect({ inventory: lab.inventory, log: () => undefined });
      await fix.exec('n2', show);
      await fix.teardown();
    }
  });
});
