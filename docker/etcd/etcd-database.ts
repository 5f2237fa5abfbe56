import type { Cluster, NodeInfo } from '../../harness/cluster.ts';
import { buildContext, defineDatabase, versionFromCommand, type ClockAware, type Database, type HasPrimary, type Killable, type LogFiles, type Pausable } from '../../harness/database.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { EnvironmentError } from '../../harness/errors.ts';
import { CLIENT_PORT, clientUrl, PEER_PORT } from './etcd-node.ts';
import { etcdRegisterClient } from './etcd-register-client.ts';

const DATA_DIR = '/var/lib/faultline/etcd/data';
const LOG_FILE = '/var/log/etcd/etcd.log';
/** Matches the etcd server's command line as started below, and nothing else in the node. */
const PROCESS = '^etcd --name ';

export interface EtcdOptions {
  /** How long every member may take to be healthy with an agreed leader. */
  startTimeoutMs?: number;
}

/** What a member says about itself (`/v3/maintenance/status`). */
interface MemberStatus {
  memberId: string;
  leader: string;
  version: string;
}

/**
 * etcd (Debian's etcd-server 3.4) as a database under test: a fresh N-member cluster per run,
 * bootstrapped from the nodes' fixed addresses. Health and leadership are read over the v3 HTTP
 * gateway from the controller, so the image needs no etcdctl.
 */
export class EtcdDatabase implements Database, Killable, Pausable, HasPrimary, LogFiles, ClockAware {
  readonly name = 'etcd';
  readonly image = buildContext('etcd', new URL('.', import.meta.url));
  readonly honoursFaketime = false;
  readonly clockReason = 'etcd is a Go program: it reads the clock through the vDSO, not libc, so libfaketime cannot skew it';
  readonly clients = { register: etcdRegisterClient };

  constructor(private readonly options: EtcdOptions = {}) {}

  async setup(cluster: Cluster, test: TestSpec): Promise<void> {
    // The start time limit counts from the launch, not from the first probe.
    const started = Date.now();
    await Promise.all(cluster.nodes.map((n) => this.launch(cluster, n.name)));
    const timeoutMs = Number(test.options.etcdStartTimeoutMs ?? this.options.startTimeoutMs ?? 30_000);
    await this.waitHealthy(cluster, timeoutMs, cluster.nodes, started);
  }

  async teardown(cluster: Cluster, _test?: TestSpec): Promise<void> {
    await Promise.all(
      cluster.nodes.map(async (n) => {
        await cluster.signal(n.name, PROCESS, 'CONT');
        await cluster.signal(n.name, PROCESS, 'TERM');
        if (!(await waitGone(cluster, n.name, 5_000))) await this.kill(cluster, n.name);
      }),
    );
  }

  versions(cluster: Cluster): Promise<Record<string, string>> {
    return versionFromCommand(cluster, 'etcd', ['etcd', '--version'], /etcd Version:\s*(\S+)/);
  }

  async kill(cluster: Cluster, node: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await cluster.signal(node, PROCESS, 'KILL')) > 0) {
      if (Date.now() > deadline) throw new EnvironmentError(`etcd on ${node} still running 10000 ms after SIGKILL`);
      await sleep(50);
    }
  }

  /** Starts etcd on `node` again with its existing data dir; a running etcd is left alone. */
  async start(cluster: Cluster, node: string): Promise<void> {
    if ((await cluster.countProcesses(node, PROCESS)) > 0) return;
    await this.launch(cluster, node);
  }

  async pause(cluster: Cluster, node: string): Promise<void> {
    await cluster.signal(node, PROCESS, 'STOP');
  }

  async resume(cluster: Cluster, node: string): Promise<void> {
    await cluster.signal(node, PROCESS, 'CONT');
  }

  async primaries(cluster: Cluster): Promise<string[]> {
    const statuses = await Promise.all(cluster.nodes.map((n) => memberStatus(n).catch(() => undefined)));
    return cluster.nodes.filter((_, i) => statuses[i] !== undefined && statuses[i].leader === statuses[i].memberId).map((n) => n.name);
  }

  logFiles(): string[] {
    return [LOG_FILE];
  }

  /**
   * Waits until every member of `nodes` (default: all) reports itself healthy and all agree on
   * one leader; otherwise names the first member that is not, its last log line, and what was
   * wrong.
   */
  async waitHealthy(cluster: Cluster, timeoutMs: number, nodes: readonly NodeInfo[] = cluster.nodes, since = Date.now()): Promise<void> {
    const deadline = since + timeoutMs;
    // Until then a missing process may still be the shell that is about to exec etcd.
    const graceUntil = Date.now() + 3_000;
    for (;;) {
      const problems = await Promise.all(nodes.map((n) => this.problem(cluster, n)));
      const leaders = new Set(problems.map((p) => (typeof p === 'object' ? p.leader : undefined)));
      const firstBad = problems.findIndex((p) => typeof p === 'string');
      const healthy = firstBad < 0 && leaders.size === 1;
      // Healthy only counts inside the time limit: a cluster that came up late did not come up in time.
      if (healthy && Date.now() <= deadline) return;
      const exited = Date.now() > graceUntil ? problems.findIndex((p) => p === 'exited') : -1;
      const bad = exited >= 0 ? exited : firstBad;
      if (exited >= 0 || Date.now() > deadline) {
        const node = nodes[bad >= 0 ? bad : 0] as NodeInfo;
        const why = bad >= 0 ? (problems[bad] as string) : healthy ? 'healthy only after the limit' : `members disagree on the leader (${[...leaders].join(', ')})`;
        const last = await lastLogLine(cluster, node.name);
        const what = exited >= 0 ? 'exited' : `not healthy after ${timeoutMs} ms (${why})`;
        throw new EnvironmentError(`etcd on ${node.name} ${what}; last log line: ${last}`);
      }
      await sleep(250);
    }
  }

  private async problem(cluster: Cluster, node: NodeInfo): Promise<string | { leader: string }> {
    if ((await cluster.countProcesses(node.name, PROCESS)) === 0) return 'exited';
    try {
      const health = await getJson(`${clientUrl(node)}/health`);
      if ((health as { health?: string }).health !== 'true') return `health ${JSON.stringify(health)}`;
      const status = await memberStatus(node);
      if (status.leader === '0' || status.leader === '') return 'no leader';
      return { leader: status.leader };
    } catch (err) {
      return (err as Error).message;
    }
  }

  private async launch(cluster: Cluster, node: string): Promise<void> {
    const args = etcdArgs(cluster, node);
    // The shell only redirects output to the log file, then becomes etcd (exec), so the process
    // that kill/pause signal is etcd itself.
    await cluster.exec(node, ['sh', '-c', `mkdir -p ${DATA_DIR} /var/log/etcd && exec "$0" "$@" >>${LOG_FILE} 2>&1`, 'etcd', ...args], {
      detach: true,
    });
  }
}

/** The etcd command line for `node`: same every time, so a restart rejoins with its data dir. */
export function etcdArgs(cluster: Pick<Cluster, 'nodes' | 'runId'>, node: string): string[] {
  const me = cluster.nodes.find((n) => n.name === node);
  if (!me) throw new Error(`no node ${node}`);
  return [
    '--name', node,
    '--data-dir', DATA_DIR,
    '--listen-client-urls', `http://0.0.0.0:${CLIENT_PORT}`,
    '--advertise-client-urls', `http://${me.ip}:${CLIENT_PORT}`,
    '--listen-peer-urls', `http://0.0.0.0:${PEER_PORT}`,
    '--initial-advertise-peer-urls', `http://${me.ip}:${PEER_PORT}`,
    '--initial-cluster', cluster.nodes.map((n) => `${n.name}=http://${n.ip}:${PEER_PORT}`).join(','),
    '--initial-cluster-state', 'new',
    '--initial-cluster-token', `faultline-${cluster.runId}`,
    '--logger', 'zap',
    '--log-outputs', 'stderr',
  ]; // prettier-ignore
}

async function memberStatus(node: NodeInfo): Promise<MemberStatus> {
  const body = (await getJson(`${clientUrl(node)}/v3/maintenance/status`, '{}')) as {
    header?: { member_id?: string };
    leader?: string;
    version?: string;
  };
  return { memberId: body.header?.member_id ?? '', leader: body.leader ?? '0', version: body.version ?? '' };
}

/** GET (or POST `body`) a member's JSON endpoint; short timeout, as a probe. */
async function getJson(url: string, body?: string): Promise<unknown> {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    body,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(2_000),
  }).catch((err: Error) => {
    const cause = (err.cause as { code?: string } | undefined)?.code;
    throw new Error(cause ?? err.message);
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  return res.json();
}

async function lastLogLine(cluster: Cluster, node: string): Promise<string> {
  try {
    const r = await cluster.exec(node, ['tail', '-n', '1', LOG_FILE], { timeoutMs: 5_000 });
    const line = r.stdout.trim();
    return line === '' ? '(log empty)' : line.length > 400 ? `${line.slice(0, 400)}…` : line;
  } catch (err) {
    return `(log unreadable: ${(err as Error).message})`;
  }
}

async function waitGone(cluster: Cluster, node: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await cluster.countProcesses(node, PROCESS)) === 0) return true;
    await sleep(100);
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const etcd = defineDatabase({
  name: 'etcd',
  description: "etcd 3.4 (Debian's etcd-server), an N-member cluster; clients: register",
  create: () => new EtcdDatabase(),
});
