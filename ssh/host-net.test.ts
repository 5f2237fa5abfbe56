import { describe, expect, it } from 'vitest';
import type { ExecOptions, ExecResult } from '../harness/cluster.ts';
import { Random } from '../harness/random.ts';
import { silentLogger } from '../harness/logger.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import type { NemesisContext } from '../harness/nemesis.ts';
import { PACKET_CHAIN, PacketNemesis } from '../nemesis/packet.ts';
import { PARTITION_CHAIN, PartitionNemesis } from '../nemesis/partition.ts';
import { FakeCluster, fakeDatabase } from '../test/support/fake-cluster.ts';
import { chainTag, hostChain, restoreChainNames, translateNetCommand, type HostNetContext } from './host-net.ts';

const TAG = chainTag('run-1');
const ctx: HostNetContext = { node: 'n1', tag: TAG, peers: ['192.0.2.2', '192.0.2.3'], controller: '192.0.2.254' };
const refusal = (argv: string[], stdin?: string) => {
  try {
    translateNetCommand(argv, stdin, ctx);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

/**
 * What the SSH cluster would run for the real nemeses: a fake cluster whose netExec translates
 * each command as ssh-cluster.ts does (peers: the other nodes; the controller at .254).
 */
class HostNetCluster extends FakeCluster {
  readonly sent: { node: string; argv: string[]; stdin?: string }[] = [];
  override async netExec(node: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const peers = this.nodes.filter((n) => n.name !== node).map((n) => n.ip);
    const cmd = translateNetCommand(argv, options.stdin, { node, tag: TAG, peers, controller: '192.0.2.254' });
    this.sent.push({ node, ...cmd });
    // As on a fresh host: the INPUT hook is not there yet, so `-C` says no.
    return { exitCode: cmd.argv.includes('-C') ? 1 : 0, stdout: '', stderr: '' };
  }
}

const spec: TestSpec = { name: 't', db: 'fake', workload: 'register', nodes: 3, concurrency: 1, rate: 0, timeLimit: 1, nemesis: [], nemesisInterval: 1, recovery: 0, seed: 1, options: {} };
const nemesisContext = (cluster: HostNetCluster): NemesisContext => ({ cluster, db: fakeDatabase('fake'), test: spec, random: Random.fromSeed(3).stream(), log: silentLogger });

describe('the nemeses on SSH hosts (their commands, unchanged, translated)', () => {
  it('a partition: per-run chains, hooked into INPUT, dropping only other test hosts', async () => {
    const cluster = new HostNetCluster('r', 3);
    const ctx3 = nemesisContext(cluster);
    const nemesis = new PartitionNemesis();
    await nemesis.setup(ctx3);
    const r = await nemesis.invoke({ f: 'start-partition', value: { topology: 'one' } }, ctx3);
    const grudge = (r.value as { grudge: Record<string, string[]> }).grudge;
    const chain = `faultline-partition-${TAG}`;
    const n1 = cluster.sent.filter((s) => s.node === 'n1').map((s) => s.argv.join(' '));
    expect(n1.slice(0, 3)).toEqual([`iptables -w -N ${chain}`, `iptables -w -C INPUT -j ${chain}`, `iptables -w -I INPUT 1 -j ${chain}`]);
    const restore = cluster.sent.filter((s) => s.node === 'n1' && s.argv[0] === 'iptables-restore').at(-1)!;
    expect(restore.argv).toEqual(['iptables-restore', '-w', '--noflush']);
    const ips = (grudge.n1 ?? []).map((name) => cluster.nodes.find((n) => n.name === name)!.ip);
    expect(ips.length).toBeGreaterThan(0);
    expect(restore.stdin).toBe(['*filter', `:${chain} - [0:0]`, ...ips.map((ip) => `-A ${chain} -s ${ip} -j DROP`), 'COMMIT', ''].join('\n'));
    await nemesis.invoke({ f: 'stop-partition', value: null }, ctx3);
    await nemesis.teardown(ctx3);
    expect(cluster.sent.filter((s) => s.node === 'n2').slice(-4).map((s) => s.argv.join(' '))).toEqual([
      `iptables -w -D INPUT -j ${chain}`,
      `iptables -w -D INPUT -j ${chain}`,
      `iptables -w -F ${chain}`,
      `iptables -w -X ${chain}`,
    ]);
  });

  it('packet loss: the every-source rule becomes one rule per other test host', async () => {
    const cluster = new HostNetCluster('r', 3);
    const c = nemesisContext(cluster);
    const nemesis = new PacketNemesis();
    await nemesis.setup(c);
    await nemesis.invoke({ f: 'start-packet', value: { behaviour: 'loss', selector: 'all', probability: 0.25 } }, c);
    const chain = `faultline-packet-${TAG}`;
    const restore = cluster.sent.filter((s) => s.node === 'n2' && s.argv[0] === 'iptables-restore').at(-1)!;
    expect(restore.stdin).toBe(
      ['*filter', `:${chain} - [0:0]`, `-A ${chain} -s 192.0.2.1 -m statistic --mode random --probability 0.25 -j DROP`, `-A ${chain} -s 192.0.2.3 -m statistic --mode random --probability 0.25 -j DROP`, 'COMMIT', ''].join('\n'),
    );
    await nemesis.teardown(c);
  });

  it('delay, duplication and reordering are refused with the reason (netem would shape all of a host\'s traffic)', async () => {
    const cluster = new HostNetCluster('r', 3);
    const c = nemesisContext(cluster);
    const nemesis = new PacketNemesis();
    // The nemesis refuses netem itself on this kernel; the translation is what stands on a kernel that has it.
    expect(refusal(['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'delay', '100ms'])).toMatch(/not supported on SSH hosts \(packet loss is: --nemesis packet:loss\)/);
    // Clearing netem (every heal after an attempted delay) touches nothing: the host's own qdisc stays.
    expect(translateNetCommand(['tc', 'qdisc', 'del', 'dev', 'eth0', 'root'], undefined, ctx)).toEqual({ argv: ['true'] });
    expect(refusal(['tc', 'qdisc', 'del', 'dev', 'eth0', 'root', 'handle', '1:'])).toMatch(/tc netem on a host/);
    await nemesis.teardown(c);
    expect(PACKET_CHAIN.name).toBe('faultline-packet');
    expect(PARTITION_CHAIN.name).toBe('faultline-partition');
  });
});

describe('translateNetCommand', () => {
  it('refuses rules that would match anything but another test host', () => {
    const restore = (rule: string) => refusal(['iptables-restore', '-w', '--noflush'], `*filter\n:faultline-partition - [0:0]\n-A faultline-partition ${rule}\nCOMMIT\n`);
    expect(restore('-s 10.9.9.9 -j DROP')).toBe(
      'netExec on n1 (an SSH host): 10.9.9.9 is not the address of another test host (they are 192.0.2.2, 192.0.2.3); a host only ever drops traffic from the other test hosts; refused: iptables-restore -w --noflush',
    );
    expect(restore('-s 192.0.2.1 -j DROP')).toMatch(/192\.0\.2\.1 is not the address of another test host/);
    expect(restore('-j DROP')).toMatch(/a rule must name the test host it drops/);
    expect(restore('-s 192.0.2.2 -j ACCEPT')).toMatch(/the only target a host takes is DROP, not ACCEPT/);
    expect(restore('-s 192.0.2.2 -p tcp -j DROP')).toMatch(/"-p" is not allowed/);
    expect(refusal(['iptables-restore', '-w'], '*filter\nCOMMIT\n')).toMatch(/must be given --noflush/);
    expect(refusal(['iptables-restore', '-w', '--noflush'], '*nat\nCOMMIT\n')).toMatch(/only the filter table/);
    expect(refusal(['iptables-restore', '-w', '--noflush'], '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n')).toMatch(/only faultline's own chains may be declared/);
    expect(refusal(['iptables-restore', '-w', '--noflush'], '*filter\n-A INPUT -j DROP\nCOMMIT\n')).toMatch(/a chain this input declares/);
  });

  it('refuses to drop the controller\'s address, even where it is a test host\'s', () => {
    const here: HostNetContext = { ...ctx, controller: '192.0.2.2' };
    expect(() => translateNetCommand(['iptables', '-w', '-A', 'faultline-partition', '-s', '192.0.2.2', '-j', 'DROP'], undefined, here)).toThrow(
      /192\.0\.2\.2 is the address the controller's SSH connection comes from, as n1 sees it; dropping it would lose n1/,
    );
    expect(() => translateNetCommand(['iptables-restore', '-w', '--noflush'], '*filter\n:faultline-packet - [0:0]\n-A faultline-packet ! -i lo -m statistic --mode random --probability 0.5 -j DROP\nCOMMIT\n', here)).toThrow(/controller's SSH connection/);
  });

  it('touches INPUT only to jump to a faultline chain, and no other chain at all', () => {
    expect(refusal(['iptables', '-w', '-F', 'INPUT'])).toMatch(/only faultline's own chains \(faultline-<word>\) may be changed, not "INPUT"/);
    expect(refusal(['iptables', '-w', '-A', 'INPUT', '-j', 'ACCEPT'])).toMatch(/only faultline's own chains/);
    expect(refusal(['iptables', '-w', '-I', 'INPUT', '1', '-s', '192.0.2.2', '-j', 'DROP'])).toMatch(/INPUT may only get a jump/);
    expect(refusal(['iptables', '-w', '-P', 'INPUT', 'DROP'])).toMatch(/not one of the operations faults use/);
    expect(refusal(['iptables', '-t', 'nat', '-S'])).toMatch(/not one of the operations faults use/);
    expect(refusal(['bash', '-c', 'iptables -F'])).toMatch(/runs only faultline's own iptables chains/);
  });

  it('passes reads through and maps chain names back in their output', () => {
    expect(translateNetCommand(['iptables', '-w', '-S'], undefined, ctx).argv).toEqual(['iptables', '-w', '-S']);
    expect(translateNetCommand(['iptables', '-w', '-S', 'faultline-packet'], undefined, ctx).argv).toEqual(['iptables', '-w', '-S', `faultline-packet-${TAG}`]);
    expect(translateNetCommand(['ip', '-o', 'link', 'show'], undefined, ctx).argv).toEqual(['ip', '-o', 'link', 'show']);
    expect(restoreChainNames(`-N faultline-packet-${TAG}\n-A INPUT -j faultline-packet-${TAG}\n-N faultline-packet-abcdef\n`, TAG)).toBe('-N faultline-packet\n-A INPUT -j faultline-packet\n-N faultline-packet-abcdef\n');
  });

  it('names chains per run within iptables\' 28 characters', () => {
    expect(chainTag('run-1')).toMatch(/^[0-9a-f]{6}$/);
    expect(chainTag('run-1')).not.toBe(chainTag('run-2'));
    expect(hostChain('faultline-partition', 'abcdef')).toBe('faultline-partition-abcdef');
    expect(() => hostChain('faultline-averyveryverylong', 'abcdef')).toThrow(/too long to carry a run tag/);
  });
});
