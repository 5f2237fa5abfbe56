import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseNames, getDatabase } from './databases.ts';
import { etcdArgs } from './etcd/etcd-database.ts';

describe('database registry', () => {
  it('knows etcd and nothing it cannot run', () => {
    expect(databaseNames()).toContain('etcd');
    expect(getDatabase('nope')).toBeUndefined();
    expect(getDatabase('toString')).toBeUndefined();
    const etcd = getDatabase('etcd');
    expect(etcd?.image).toEqual({ name: 'etcd', context: join(import.meta.dirname, 'etcd') });
    expect(etcd?.honoursFaketime).toBe(false);
    expect(etcd?.clockReason).toMatch(/vDSO/);
    expect(etcd?.logFiles?.('n1')).toEqual(['/var/log/etcd/etcd.log']);
  });

  it('knows PostgreSQL and MariaDB, whose C servers honour libfaketime and can be killed and paused', () => {
    for (const [name, log] of [['postgres', '/var/log/faultline/postgres.log'], ['mariadb', '/var/log/faultline/mariadb.log']] as const) {
      const db = getDatabase(name);
      expect(db?.image).toEqual({ name, context: join(import.meta.dirname, name) });
      expect(db?.honoursFaketime).toBe(true);
      expect(db?.logFiles?.('n1')).toEqual([log]);
      expect([db?.kill, db?.start, db?.pause, db?.resume, db?.primaries].every((f) => typeof f === 'function')).toBe(true);
    }
  });

  it('starts every etcd member with the same initial cluster, built from the fixed addresses', () => {
    const cluster = { runId: 'r1', nodes: [1, 2, 3].map((i) => ({ name: `n${i}`, ip: `10.213.9.${10 + i}` })) };
    const a = etcdArgs(cluster, 'n1');
    const b = etcdArgs(cluster, 'n3');
    const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];
    expect(flag(a, '--initial-cluster')).toBe('n1=http://10.213.9.11:2380,n2=http://10.213.9.12:2380,n3=http://10.213.9.13:2380');
    expect(flag(b, '--initial-cluster')).toBe(flag(a, '--initial-cluster'));
    expect(flag(b, '--advertise-client-urls')).toBe('http://10.213.9.13:2379');
    expect(flag(a, '--initial-cluster-token')).toBe('faultline-r1');
    expect(() => etcdArgs(cluster, 'n4')).toThrow(/no node n4/);
  });
});
