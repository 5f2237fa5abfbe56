import { FAKETIME_FILE, faketimeEnv } from '../../harness/faketime.ts';
import { buildContext, defineDatabase, type DatabaseDefinition, type FullDatabase, type NodeImage } from '../../harness/database.ts';
import { findNode, type Cluster, type NodeInfo } from '../../harness/cluster.ts';
import { EnvironmentError, InputError, refuseProblems } from '../../harness/errors.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { lastLine, ServerProcess } from '../server-process.ts';
import { containerSpecProblems, defaultProcessPattern, placeholderValues, substitute, type ContainerSpec, type ReadyProbe } from './container-spec.ts';
import { probeOnce } from './ready-probe.ts';

/** Where every node's process output goes (and is copied from into the run folder). */
const LOG_DIR = '/var/log/faultline';

/**
 * A database from a container image and a start command (ContainerSpec), with every power the
 * built-in ones have: kill and start again (SIGKILL of every matching process, then the same
 * command on the same data dir), pause (SIGSTOP), clock skew when the image has libfaketime, log
 * files, and primaries when the spec says how to find them. Checked when defined: a spec with
 * problems throws one InputError naming each field.
 */
export function containerDatabase(spec: ContainerSpec): DatabaseDefinition {
  refuseProblems(`database ${JSON.stringify(spec?.name ?? '?')}`, containerSpecProblems(spec));
  return defineDatabase({
    name: spec.name,
    description: spec.description ?? `${spec.name}, from ${'ref' in spec.image ? `the image ${spec.image.ref}` : 'a build context'}`,
    create: () => createContainerDatabase(spec),
  });
}

function createContainerDatabase(spec: ContainerSpec): FullDatabase {
  const user = spec.user ?? 'root';
  const logFile = `${LOG_DIR}/${spec.name}.log`;
  const dataDir = spec.dataDir ?? `/var/lib/faultline/${spec.name}`;
  const server = new ServerProcess({ name: spec.name, pattern: spec.process ?? defaultProcessPattern(spec.start), logFile, user });
  const image: NodeImage = 'ref' in spec.image ? { ref: spec.image.ref } : buildContext(spec.name, spec.image.context);
  let withFaketime = false;

  const argv = (node: NodeInfo, nodes: readonly NodeInfo[]): { argv: string[]; env: Record<string, string> } => {
    const values = placeholderValues(node, nodes, spec.port, dataDir);
    const env = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, substitute(v, values)]));
    const command = typeof spec.start === 'string' ? ['sh', '-c', `exec ${substitute(spec.start, values)}`] : spec.start.map((w) => substitute(w, values));
    return { argv: command, env: withFaketime ? { ...env, ...faketimeEnv() } : env };
  };
  const launch = async (cluster: Cluster, node: NodeInfo) => {
    const { argv: command, env } = argv(node, cluster.nodes);
    await server.launch(cluster, node.name, command, env);
  };
  // A node that never gets ready is the definition's problem (its start command, port or probe): bad input, by field.
  const probe = (cluster: Cluster, node: NodeInfo): ReadyProbe => {
    const ready = spec.ready ?? { tcp: true };
    if (!('command' in ready)) return ready;
    const values = placeholderValues(node, cluster.nodes, spec.port, dataDir);
    return { command: typeof ready.command === 'string' ? substitute(ready.command, values) : ready.command.map((w) => substitute(w, values)) };
  };
  const waitReady = (cluster: Cluster, node: NodeInfo) =>
    server.waitReady(cluster, node.name, () => probeOnce(probe(cluster, node), cluster, node, spec.port), spec.readyTimeoutMs ?? 30_000).catch((err: unknown) => {
      if (!(err instanceof EnvironmentError)) throw err;
      throw new InputError(`${/exited while starting/.test(err.message) ? 'start' : 'ready'}: ${err.message}`);
    });

  const db: FullDatabase = {
    name: spec.name,
    image,
    honoursFaketime: spec.clock === true,
    ...(spec.clock === true ? {} : { clockReason: `the ${spec.name} definition does not say its image has libfaketime (clock: true)` }),
    ...(spec.clients === undefined ? {} : { clients: spec.clients }),
    async setup(cluster: Cluster, test: TestSpec) {
      withFaketime = spec.clock === true && test.nemesis.includes('clock');
      await Promise.all(cluster.nodes.map((n) => prepareNode(cluster, n.name, dataDir, user, withFaketime)));
      // Every node starts before any is waited for: replicated systems need their peers to come up.
      await Promise.all(cluster.nodes.map((n) => launch(cluster, n)));
      await Promise.all(cluster.nodes.map((n) => waitReady(cluster, n)));
    },
    async teardown(cluster: Cluster) {
      await Promise.all(cluster.nodes.map((n) => server.stop(cluster, n.name, spec.stopSignal ?? 'TERM')));
    },
    kill: (cluster, node) => server.kill(cluster, node),
    async start(cluster, node) {
      if (await server.running(cluster, node)) return;
      const info = findNode(cluster, node);
      await launch(cluster, info);
      await waitReady(cluster, info);
    },
    pause: (cluster, node) => server.pause(cluster, node),
    resume: (cluster, node) => server.resume(cluster, node),
    logFiles: () => [logFile, ...(spec.logFiles ?? [])],
  };
  const primaries = spec.primaries;
  if (primaries) db.primaries = async (cluster) => [...(await primaries(cluster.nodes))];
  return db;
}

/** An empty data dir and a log dir the process's user owns; the clock file at +0 when it runs under libfaketime. */
async function prepareNode(cluster: Cluster, node: string, dataDir: string, user: string, faketime: boolean): Promise<void> {
  const script = 'rm -rf "$1" && mkdir -p "$1" "$2" && chown "$3" "$1" "$2"';
  const r = await cluster.exec(node, ['sh', '-c', script, 'sh', dataDir, LOG_DIR, user], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new InputError(`dataDir: could not make ${dataDir} on ${node} for user ${user} (exit ${r.exitCode}): ${lastLine(r.stderr || r.stdout)}`);
  if (faketime) await cluster.writeFile(node, FAKETIME_FILE, '+0\n');
}
