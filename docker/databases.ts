import type { FullDatabase } from '../harness/database.ts';
import { EtcdDatabase } from './etcd/etcd-database.ts';
import { MariadbDatabase } from './mariadb/mariadb-database.ts';
import { PostgresDatabase } from './postgres/postgres-database.ts';

/** Databases `faultline run --db` knows, by name (STYLE.md #12). */
const registry: Record<string, () => FullDatabase> = {
  etcd: () => new EtcdDatabase(),
  mariadb: () => new MariadbDatabase(),
  postgres: () => new PostgresDatabase(),
};

export function databaseNames(): string[] {
  return Object.keys(registry).sort();
}

/** A fresh instance of the named database, or undefined for an unknown name. */
export function getDatabase(name: string): FullDatabase | undefined {
  return Object.hasOwn(registry, name) ? registry[name]?.() : undefined;
}
