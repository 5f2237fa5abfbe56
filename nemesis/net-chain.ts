import type { Cluster, ExecResult } from '../harness/cluster.ts';
import { errorText } from '../harness/errors.ts';

const TIMEOUT_MS = 15_000;

/**
 * One iptables chain of faultline's own in each node's network namespace (entered from the host
 * through `Cluster.netExec`, so the host's own rules are never touched), hooked into INPUT. A
 * fault replaces the chain's rules atomically (`iptables-restore --noflush` rewrites only this
 * chain); a heal empties it; teardown unhooks and deletes it. Nothing else in the namespace is
 * ever changed, so a heal removes exactly the rules faultline added.
 */
export class NetChain {
  constructor(readonly name: string) {
    if (!/^faultline-[a-z]+$/.test(name) || name.length > 28) throw new RangeError(`chain name ${JSON.stringify(name)}: expected faultline-<word>, at most 28 characters`);
  }

  /** Creates the (empty) chain and its INPUT hook on `node` when missing. */
  async install(cluster: Cluster, node: string): Promise<void> {
    const create = await this.iptables(cluster, node, ['-N', this.name]);
    if (create.exitCode !== 0 && !/exists/i.test(create.stderr)) throw failure(node, `iptables -N ${this.name}`, create);
    if ((await this.iptables(cluster, node, ['-C', 'INPUT', '-j', this.name])).exitCode === 0) return;
    const hook = await this.iptables(cluster, node, ['-I', 'INPUT', '1', '-j', this.name]);
    if (hook.exitCode !== 0) throw failure(node, `iptables -I INPUT -j ${this.name}`, hook);
  }

  /** Makes `rules` (iptables rule arguments, without `-A chain`) the chain's whole content, atomically. */
  async replace(cluster: Cluster, node: string, rules: readonly (readonly string[])[]): Promise<void> {
    const lines = ['*filter', `:${this.name} - [0:0]`, ...rules.map((r) => [`-A`, this.name, ...r].join(' ')), 'COMMIT', ''];
    const r = await cluster.netExec(node, ['iptables-restore', '-w', '--noflush'], { stdin: lines.join('\n'), timeoutMs: TIMEOUT_MS });
    if (r.exitCode !== 0) throw failure(node, `iptables-restore (${this.name})`, r);
  }

  /** Empties the chain (the hook stays, matching nothing). */
  flush(cluster: Cluster, node: string): Promise<void> {
    return this.replace(cluster, node, []);
  }

  /** The chain's rules as `iptables -S` prints them (without the `-N` line); empty when absent. */
  async rules(cluster: Cluster, node: string): Promise<string[]> {
    const r = await this.iptables(cluster, node, ['-S', this.name]);
    if (r.exitCode !== 0) return [];
    return r.stdout.split('\n').filter((l) => l.startsWith('-A '));
  }

  /**
   * Unhooks and deletes the chain. Idempotent; a node whose namespace is already gone (its
   * container removed) has nothing left to remove.
   */
  async remove(cluster: Cluster, node: string): Promise<void> {
    let r: ExecResult;
    try {
      for (let i = 0; i < 10; i++) {
        r = await this.iptables(cluster, node, ['-D', 'INPUT', '-j', this.name]);
        if (r.exitCode !== 0) break;
      }
      await this.iptables(cluster, node, ['-F', this.name]);
      r = await this.iptables(cluster, node, ['-X', this.name]);
    } catch (err) {
      if (namespaceGone(err)) return;
      throw err;
    }
    if (r.exitCode !== 0 && !/No chain|does not exist|not found/i.test(r.stderr) && !namespaceGone(r.stderr)) throw failure(node, `iptables -X ${this.name}`, r);
  }

  private iptables(cluster: Cluster, node: string, args: string[]): Promise<ExecResult> {
    return cluster.netExec(node, ['iptables', '-w', ...args], { timeoutMs: TIMEOUT_MS });
  }
}

function failure(node: string, what: string, r: ExecResult): Error {
  return new Error(`${what} in ${node}'s network namespace failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`);
}

/** nsenter could not enter: the container (and with it every rule inside) no longer exists. */
export function namespaceGone(err: unknown): boolean {
  const text = errorText(err, { name: false });
  return /nsenter: (cannot open|reassociate|failed to execute)|container is gone|No such process|no node/i.test(text);
}
