import { dockerBackend } from '../../docker/docker-backend.ts';
import { databaseNames, getDatabase } from '../../docker/databases.ts';
import type { FullDatabase } from '../../harness/database.ts';
import type { Backend } from '../../harness/backend.ts';

/** What `faultline run` needs from the outside world: a backend and the databases it can start. */
export interface RunEnvironment {
  readonly backend: Backend;
  getDatabase(name: string): FullDatabase | undefined;
  databaseNames(): string[];
}

/** Local Docker and the databases under docker/. */
export async function defaultEnvironment(): Promise<RunEnvironment> {
  return { backend: dockerBackend, getDatabase, databaseNames };
}
