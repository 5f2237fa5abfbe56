import type { TestSpec } from '../../harness/test-spec.ts';
import type { CheckerUse, NodeCount, Workload } from '../workload.ts';
import { SqlClient, type SqlProgram } from './sql-client.ts';
import { SQL_CAPABILITY, sqlOf } from './sql-dialect.ts';

/** The same program on every database that offers the SQL capability: what a SQL workload says about its clients. */
export function sqlClients(program: SqlProgram): Required<Pick<Workload, 'clientFor' | 'needs'>> {
  return {
    clientFor(db) {
      const sql = sqlOf(db);
      return sql && (() => new SqlClient(sql, program));
    },
    needs: SQL_CAPABILITY,
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
