import pg from 'pg';
import { sqlDatabaseSuite } from '../../test/support/sql-database-suite.ts';
import { PostgresDatabase } from './postgres-database.ts';
import { postgresConnection } from './postgres-sql.ts';

const AUTO_CONF = '/var/lib/faultline/postgres/data/postgresql.auto.conf';

sqlDatabaseSuite({
  db: new PostgresDatabase({ faketime: true }),
  async connect(node) {
    const client = new pg.Client(postgresConnection(node));
    client.on('error', () => {});
    await client.connect();
    return { query: async (sql) => (await client.query(sql)).rows, close: () => client.end() };
  },
  nowSql: 'SELECT extract(epoch FROM now())::float8 AS t',
  version: /^15\.\d+/,
  breakConfig: `echo 'bogus_setting = 1' >> ${AUTO_CONF}`,
  fixConfig: `sed -i '/bogus_setting/d' ${AUTO_CONF}`,
  brokenLogLine: /configuration file .* contains errors|bogus_setting/,
});
