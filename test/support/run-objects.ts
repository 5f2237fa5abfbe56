import type Docker from 'dockerode';
import { LABEL } from '../../docker/labels.ts';

/** Containers and networks the engine holds for `runId`, found by label as a reaper would. */
export async function runObjects(docker: Docker, runId: string): Promise<{ containers: string[]; networks: string[] }> {
  const filters = { label: [`${LABEL.run}=${runId}`] };
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  return { containers: containers.map((c) => c.Names[0] ?? c.Id), networks: networks.map((n) => n.Name) };
}
