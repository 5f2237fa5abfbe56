import { randomInt } from 'node:crypto';
import type Docker from 'dockerode';
import { EnvironmentError } from '../harness/errors.ts';
import { onShutdown } from '../harness/shutdown.ts';
import type { NodeInfo } from '../harness/cluster.ts';
import { controllerLabels, LABEL } from './labels.ts';
import { removeContainer, removeNetwork } from './reaper.ts';
import { freeSubnets, gatewayAddress, hostRoutes } from './subnet.ts';

/*
 * Creating a run's Docker objects (its network and one container per node) and tracking them so
 * that every one is removed, whatever fails or interrupts the creation (docker-cluster.ts drives it).
 */

export interface NodeHandle {
  id: string;
  /** The container's init as the host sees it: the anchor for nsenter and /proc lookups. */
  initPid: number;
}

/**
 * The run's Docker objects. It exists before any of them, so a failure half-way through
 * creating the cluster (or a signal) still removes whatever was made.
 */
export class RunResources {
  networkId?: string;
  readonly containers = new Set<string>();
  private done?: Promise<void>;
  private closed = false;
  private readonly unregister: () => void;

  constructor(
    readonly docker: Docker,
    readonly runId: string,
  ) {
    this.unregister = onShutdown(`tear down cluster ${runId}`, () => this.teardown());
  }

  /** Records a container; one created after teardown began (a signal mid-create) is removed at once. */
  async track(id: string): Promise<void> {
    this.containers.add(id);
    if (this.closed) {
      await removeContainer(this.docker, id);
      throw new Error(`run ${this.runId} was torn down while it was being created`);
    }
  }

  async trackNetwork(id: string): Promise<void> {
    this.networkId = id;
    if (this.closed) {
      await removeNetwork(this.docker, id);
      throw new Error(`run ${this.runId} was torn down while it was being created`);
    }
  }

  teardown(): Promise<void> {
    this.closed = true;
    this.done ??= (async () => {
      await Promise.all([...this.containers].map((id) => removeContainer(this.docker, id)));
      if (this.networkId) await removeNetwork(this.docker, this.networkId);
      this.unregister();
    })();
    // A failed attempt (engine gone for a moment) may be retried.
    this.done.catch(() => (this.done = undefined));
    return this.done;
  }
}

/** A bridge network of the run's own on a /24 nobody uses; `internal`: no route off the host. */
export async function createNetwork(docker: Docker, runId: string): Promise<{ id: string; name: string; subnet: string }> {
  const name = `faultline-${runId}`;
  const existing = await docker.listNetworks();
  const used = [...existing.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')), ...hostRoutes()];
  // A random first pick keeps concurrent runs apart; a lost race is retried on the next subnet.
  const candidates = freeSubnets(used, randomInt(256)).slice(0, 16);
  if (candidates.length === 0) throw new EnvironmentError('no free /24 left in 10.213.0.0/16 for a run network; run faultline clean');
  let lastError: unknown;
  for (const subnet of candidates) {
    try {
      const network = await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        Internal: true,
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gatewayAddress(subnet) }] },
        Labels: controllerLabels(runId),
      });
      return { id: network.id, name, subnet };
    } catch (err) {
      lastError = err;
      if (!/overlap/i.test((err as Error).message)) throw err;
    }
  }
  throw new EnvironmentError(`could not create network ${name}: ${(lastError as Error).message}`);
}

export interface NodeSpec {
  network: string;
  image: string;
  node: NodeInfo;
  all: NodeInfo[];
  readyTimeoutMs?: number;
  keepAlive?: string[];
}

export async function startNode(docker: Docker, resources: RunResources, spec: NodeSpec): Promise<NodeHandle> {
  const { node, network: networkName } = spec;
  const readyTimeoutMs = spec.readyTimeoutMs ?? 30_000;
  const [entrypoint = 'sleep', ...cmd] = spec.keepAlive ?? ['sleep', 'infinity'];
  const container = await docker.createContainer({
    name: `faultline-${resources.runId}-${node.name}`,
    Hostname: node.name,
    Image: spec.image,
    // docker-init (tini) as pid 1 reaps orphans; `sleep` keeps the node up while the database
    // process, started by exec, is killed and restarted. The image's own entrypoint is bypassed.
    Entrypoint: [entrypoint],
    Cmd: cmd,
    Labels: { ...controllerLabels(resources.runId), [LABEL.node]: node.name },
    HostConfig: {
      Init: true,
      NetworkMode: networkName,
      ExtraHosts: spec.all.map((n) => `${n.name}:${n.ip}`),
    },
    NetworkingConfig: { EndpointsConfig: { [networkName]: { IPAMConfig: { IPv4Address: node.ip }, Aliases: [node.name] } } },
  });
  await resources.track(container.id);
  try {
    await container.start();
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const state = (await container.inspect()).State;
      if (state.Running && state.Pid > 0) {
        const probe = await probeExec(docker, container.id).catch((e: Error) => e.message);
        if (probe === true) return { id: container.id, initPid: state.Pid };
        if (Date.now() > deadline) throw new EnvironmentError(`node ${node.name} not ready after ${readyTimeoutMs} ms: exec failed (${probe})`);
      } else if (!state.Running && state.Status !== 'created') {
        throw new EnvironmentError(`node ${node.name} stopped right after starting (status ${state.Status}, exit ${state.ExitCode}${state.Error ? `: ${state.Error}` : ''})`);
      } else if (Date.now() > deadline) {
        throw new EnvironmentError(`node ${node.name} not running after ${readyTimeoutMs} ms (status ${state.Status})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (err) {
    // A node that fails its readiness wait is removed before the error goes up (STYLE.md #11).
    await removeContainer(docker, container.id).catch(() => {});
    resources.containers.delete(container.id);
    throw err;
  }
}

async function probeExec(docker: Docker, id: string): Promise<true | string> {
  const exec = await docker.getContainer(id).exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  await new Promise((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.resume();
  });
  const info = await exec.inspect();
  return info.ExitCode === 0 ? true : `exit ${info.ExitCode}`;
}
