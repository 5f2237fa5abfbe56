import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { dockerClient, ensureEngine } from '../../docker/engine.ts';
import { ensureImage } from '../../docker/images.ts';
import { removeContainer, removeNetwork } from '../../docker/reaper.ts';
import { loadInventory, type Inventory } from '../../ssh/inventory.ts';
import { hostsDown, hostsUp, type PracticeHosts, type PracticeHostsEngine } from '../../ssh/practice-hosts.ts';

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

/** A test file's practice hosts; the fields are set once its beforeAll ran. */
export interface PracticeLab {
  /** A scratch folder of the file's own (the inventory, keys and known_hosts are in it). */
  readonly work: string;
  up: PracticeHosts;
  /** The inventory `hosts up` wrote, loaded (as root on every host). */
  inventory: Inventory;
}

/** Practice hosts for one test file: `count` hosts up before its tests, down (with the scratch folder) after. */
export function usePracticeHosts(count: number): PracticeLab {
  const lab = { work: mkdtempSync(join(tmpdir(), 'faultline-ssh-test-')) } as PracticeLab;
  let engine: PracticeHostsEngine | undefined;
  beforeAll(async () => {
    engine = await practiceEngine();
    lab.up = await hostsUp({ count, out: join(lab.work, 'inventory.yaml'), engine });
    lab.inventory = loadInventory(lab.up.inventory);
  });
  afterAll(async () => {
    if (engine && lab.up) await hostsDown({ engine, inventory: lab.up.inventory });
    rmSync(lab.work, { recursive: true, force: true });
  });
  return lab;
}
