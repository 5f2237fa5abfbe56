import { EnvironmentError } from '../errors.ts';
import type { FullDatabase } from '../db.ts';
import type { Backend } from './backend.ts';

/** What `faultline run` needs from the outside world: a backend and the databases it can start. */
export interface RunEnvironment {
  readonly backend: Backend;
  getDatabase(name: string): FullDatabase | undefined;
  databaseNames(): string[];
}

/** Placeholder until the Docker backend lands: no databases. */
export async function defaultEnvironment(): Promise<RunEnvironment> {
  return {
    backend: {
      name: 'none',
      prepare: async () => {
        throw new EnvironmentError('no backend in this build');
      },
      createCluster: async () => {
        throw new EnvironmentError('no backend in this build');
      },
    },
    getDatabase: () => undefined,
    databaseNames: () => [],
  };
}
