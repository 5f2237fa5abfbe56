import { dockerBackend } from '../../docker/docker-backend.ts';
import { databases } from '../../docker/databases.ts';
import type { Backend } from '../../harness/backend.ts';
import type { DatabaseDefinition } from '../../harness/database.ts';
import type { Registry } from '../../harness/registry.ts';

/** What `faultline run` needs from the outside world: a backend and the databases it can start. */
export interface RunEnvironment {
  readonly backend: Backend;
  readonly databases: Registry<DatabaseDefinition>;
}

/** Local Docker and the databases under docker/. */
export async function defaultEnvironment(): Promise<RunEnvironment> {
  return { backend: dockerBackend, databases };
}
