import { dockerClient, ensureEngine } from '../../docker/engine.ts';
import { ensureImage } from '../../docker/images.ts';
import { removeContainer, removeNetwork } from '../../docker/reaper.ts';
import type { PracticeHostsEngine } from '../../ssh/practice-hosts.ts';

/**
 * The Docker side of practice hosts, wired from docker/ as the CLI's `hosts up` / `hosts down`
 * would wire it: the engine running, the image built from ssh/practice-host/ through the image
 * machinery, and its removal helpers.
 */
export async function practiceEngine(log: (line: string) => void = () => undefined): Promise<PracticeHostsEngine> {
  await ensureEngine({ log });
  const docker = dockerClient();
  return {
    docker,
    ensureImage: async (dir) => (await ensureImage('practice-host', { dir, docker, log })).tag,
    removeContainer: (id) => removeContainer(docker, id),
    removeNetwork: (id) => removeNetwork(docker, id),
  };
}
