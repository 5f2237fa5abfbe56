import { dockerBackend } from '../../docker/docker-backend.ts';
import { databases } from '../../docker/databases.ts';
import type { Backend } from '../../harness/backend.ts';
import type { DatabaseDefinition } from '../../harness/database.ts';
import type { Registry } from '../../harness/registry.ts';
import type { Workload } from '../../workloads/workload.ts';

/** What `faultline run` needs from the outside world: a backend and the databases it can start. */
export interface RunEnvironment {
  readonly backend: Backend;
  readonly databases: Registry<DatabaseDefinition>;
  /** The workloads it knows; default the built-in registry (a test file adds its own). */
  readonly workloads?: Registry<Workload>;
}

/** Local Docker and the databases under docker/. */
export async function defaultEnvironment(): Promise<RunEnvironment> {
  return { backend: dockerBackend, databases };
}
