import { posix } from 'node:path';
import { HostConnection, hostLabel, type HostKeyPolicy } from './connection.ts';
import { chainTag } from './host-net.ts';
import { defaultKnownHosts, type Inventory } from './inventory.ts';
import { probeHost, rootPrefix } from './preflight.ts';
import { SCRIPTS } from './remote-scripts.ts';
import { scriptCommand } from './shell.ts';

export type Liveness = 'alive' | 'dead' | 'other-host';

export interface CleanHostsOptions extends Partial<HostKeyPolicy> {
  /** Remove every run's leftovers, live controllers or not. */
  all?: boolean;
  /**
   * Whether the controller a run.json names still runs (the CLI passes the check its Docker runs
   * use). Without it only `all` removes a run: a live run is never cut from under its controller.
   */
  liveness?: (controller: Record<string, string>) => Liveness;
  log?: (line: string) => void;
}

export interface CleanHostsReport {
  /** Runs whose processes, chains and run directory were removed. */
  removed: { node: string; runId: string }[];
  spared: { node: string; runId: string; why: string }[];
  /** Chains of runs whose directory was already gone. */
  orphanChains: { node: string; chain: string }[];
  /** Processes still there after SIGKILL (should be none). */
  processesLeft: number;
  /** Hosts that could not be cleaned, and why (nothing was changed on them). */
  problems: string[];
}

/** Where run directories may be, for a login user whose home is `home` (as root, scripts/runs.sh adds every user's). */
function bases(home: string): string[] {
  return ['/var/lib/faultline/runs', `${home.replace(/\/+$/, '')}/.faultline/runs`];
}

/**
 * Removes what runs whose controller died left on the inventory's hosts (`faultline clean
 * --inventory FILE`): their processes, their iptables chains and their run directories, found
 * through the run directories alone — nothing faultline did not create is looked at. Chains whose
 * run directory is already gone (a teardown cut short) are removed too. A host that cannot be
 * reached is reported in `problems` and the others are still cleaned.
 */
export async function cleanHosts(inventory: Inventory, options: CleanHostsOptions = {}): Promise<CleanHostsReport> {
  const report: CleanHostsReport = { removed: [], spared: [], orphanChains: [], processesLeft: 0, problems: [] };
  const policy: HostKeyPolicy = {
    knownHostsFile: options.knownHostsFile ?? inventory.knownHosts ?? defaultKnownHosts(),
    acceptNewHostKeys: options.acceptNewHostKeys ?? false,
  };
  await Promise.all(
    inventory.hosts.map(async (host) => {
      let conn: HostConnection | undefined;
      try {
        conn = await HostConnection.open(host, { ...policy, log: options.log });
        const facts = await probeHost(conn, { faults: false });
        const prefix = rootPrefix(facts) ?? [];
        const run = async (script: string, args: string[]) => {
          const r = await conn!.run(scriptCommand(script, args, prefix), { timeoutMs: 60_000, what: 'faultline clean' });
          if (r.exitCode !== 0) throw new Error(r.stderr.toString().trim() || `exit ${r.exitCode}`);
          return r.stdout.toString();
        };
        const listing = await run(SCRIPTS.runs, bases(facts.home));
        const runs: { dir: string; runId: string; record?: { controller?: Record<string, string> } }[] = [];
        const chains: string[] = [];
        for (const line of listing.split('\n')) {
          if (line.startsWith('chain ')) chains.push(line.slice(6));
          else if (line.startsWith('run ')) {
            const [dir = '', json = ''] = line.slice(4).split('\t');
            runs.push({ dir, runId: posix.basename(dir), record: parseRecord(json) });
          }
        }
        for (const r of runs) {
          const why = sparedBecause(r.record, options);
          if (why !== undefined) {
            report.spared.push({ node: host.name, runId: r.runId, why });
            continue;
          }
          options.log?.(`${host.name}: removing run ${r.runId} (${options.all ? '--all' : 'its controller is gone'})`);
          const out = await run(SCRIPTS.teardown, [r.dir, chainTag(r.runId)]);
          report.processesLeft += Number(/left=(\d+)/.exec(out)?.[1] ?? 0);
          report.removed.push({ node: host.name, runId: r.runId });
        }
        const tags = new Set(runs.map((r) => chainTag(r.runId)));
        for (const chain of chains) {
          const tag = chain.slice(chain.lastIndexOf('-') + 1);
          if (tags.has(tag)) continue;
          options.log?.(`${host.name}: removing chain ${chain} (its run directory is gone)`);
          await run(SCRIPTS.teardown, ['', tag]);
          report.orphanChains.push({ node: host.name, chain });
        }
      } catch (err) {
        report.problems.push(`${hostLabel(host)}: ${(err as Error).message.replace(`${hostLabel(host)}: `, '')}`);
      } finally {
        conn?.close();
      }
    }),
  );
  return report;
}

function parseRecord(json: string): { controller?: Record<string, string> } | undefined {
  try {
    const v = JSON.parse(json) as unknown;
    return typeof v === 'object' && v !== null ? (v as { controller?: Record<string, string> }) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a run is left alone, or undefined to remove it. */
function sparedBecause(record: { controller?: Record<string, string> } | undefined, options: CleanHostsOptions): string | undefined {
  if (options.all) return undefined;
  if (record === undefined) return 'its run.json is missing or unreadable, so its owner is unknown (--all removes it)';
  const controller = record.controller ?? {};
  if (Object.keys(controller).length === 0 || options.liveness === undefined) return 'nothing says whether its controller still runs (--all removes it)';
  const liveness = options.liveness(controller);
  if (liveness === 'alive') return 'its controller is still running';
  if (liveness === 'other-host') return 'its controller runs on another machine (--all removes it)';
  return undefined;
}
