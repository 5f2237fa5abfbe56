import type { TestSpec } from '../../harness/test-spec.ts';
import type { CheckerUse, NodeCount, Workload } from '../workload.ts';
import { mariadbDialect } from './mariadb-dialect.ts';
import { postgresDialect } from './postgres-dialect.ts';
import { SqlClient, type SqlProgram } from './sql-client.ts';

/** The same program on every SQL database faultline runs. */
export function sqlClients(program: SqlProgram): Workload['clients'] {
  return {
    postgres: () => new SqlClient(postgresDialect, program),
    mariadb: () => new SqlClient(mariadbDialect, program),
  };
}

/** Single-server SQL workloads: every node is an independent server, so clients share one. */
export const ONE_SERVER: NodeCount = { default: 1, min: 1, max: 1, why: 'every SQL node is an independent server, and all clients must share one' };

/** The checkers every run gets first, and the transactional checkers' model from `--consistency-model`. */
export function baseCheckers(): CheckerUse[] {
  return [{ name: 'well-formed' }, { name: 'stats' }];
}

export function modelOptions(test: Pick<TestSpec, 'consistencyModel'>): { consistencyModel?: string } {
  return test.consistencyModel === undefined ? {} : { consistencyModel: test.consistencyModel };
}
