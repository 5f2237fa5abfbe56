import mysql from 'mysql2/promise';
import { sqlDatabaseSuite } from '../../test/support/sql-database-suite.ts';
import { MariadbDatabase } from './mariadb-database.ts';
import { mariadbConnection } from './mariadb-sql.ts';

const DATA_DIR = '/var/lib/faultline/mariadb/data';

sqlDatabaseSuite({
  db: new MariadbDatabase({ faketime: true }),
  async connect(node) {
    const connection = await mysql.createConnection(mariadbConnection(node));
    connection.on('error', () => {});
    return {
      query: async (sql) => (await connection.query(sql))[0] as Record<string, unknown>[],
      close: () => connection.end(),
    };
  },
  nowSql: 'SELECT UNIX_TIMESTAMP(NOW(6)) AS t',
  version: /^10\.11\.\d+$/,
  breakConfig: `chmod 000 ${DATA_DIR}`,
  fixConfig: `chmod 700 ${DATA_DIR}`,
  brokenLogLine: /Can.t change dir to .*Permission denied/,
});
