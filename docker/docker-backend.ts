import type { Backend } from '../harness/backend.ts';
import { DockerCluster } from './docker-cluster.ts';
import { ensureEngine } from './engine.ts';
import { ensureImage } from './images.ts';

/** Nodes as local Docker containers: the engine and the database's image on demand. */
export const dockerBackend: Backend = {
  name: 'docker',
  async prepare(db, log) {
    const say = (line: string) => log.info(line);
    await ensureEngine({ log: say });
    await ensureImage(db.image, { log: say });
  },
  createCluster({ runId, nodes, db }, log) {
    return DockerCluster.create({ image: db.image, nodes, runId, log: (line) => log.info(line) });
  },
};
