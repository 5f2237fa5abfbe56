import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { lazyfsFixture } from './lazyfs-fixture.ts';

// A real database on lazyfs: SQLite (Python's built-in module). Committed transactions must
// survive a loss exactly when SQLite's settings make it fsync them, and the database must be
// intact either way; a setting that skips the fsync must lose commits (or lazyfs tests nothing).
const SQLITE = `
import os, sqlite3, sys
path, journal, sync, op = sys.argv[1:5]
db = sqlite3.connect(path, isolation_level=None)
db.execute(f"PRAGMA journal_mode={journal}")
db.execute(f"PRAGMA synchronous={sync}")
if op == "create":
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
elif op == "insert":
    for i in range(200):
        db.execute("INSERT INTO t(v) VALUES (?)", ("x" * 100,))  # autocommit: one transaction each
else:
    print(db.execute("PRAGMA integrity_check").fetchone()[0], db.execute("SELECT count(*) FROM t").fetchone()[0])
os._exit(0)  # no clean close: nothing is flushed on the way out, as under SIGKILL
`;

describe('SQLite on lazyfs', () => {
  const fs = lazyfsFixture();
  const cases = [
    { journal: 'WAL', sync: 'FULL', rows: 200 },
    { journal: 'DELETE', sync: 'EXTRA', rows: 200 },
    // SQLite's own documentation: in DELETE mode a commit is the journal's unlink, and only
    // EXTRA fsyncs the directory after it, so FULL may roll back the last transaction.
    { journal: 'DELETE', sync: 'FULL', rows: 199 },
    { journal: 'WAL', sync: 'NORMAL', rows: 0 }, // WAL+NORMAL fsyncs at checkpoints only
    { journal: 'DELETE', sync: 'OFF', rows: 0 },
  ] as const;

  for (const { journal, sync, rows } of cases) {
    it(`journal_mode=${journal} synchronous=${sync}: ${rows} of 200 commits survive, the database stays intact`, async () => {
      const m = await fs.mount();
      const db = join(m.mountpoint, 'test.db');
      const sqlite = async (op: string) => (await execa('python3', ['-c', SQLITE, db, journal, sync, op])).stdout;
      await sqlite('create');
      m.syncAll(); // the empty table is durable; only the commits are at stake
      await sqlite('insert');
      expect(await sqlite('check')).toBe('ok 200');
      m.lose();
      expect(await sqlite('check')).toBe(`ok ${rows}`);
    });
  }
});
