import type { DatabaseDefinition, FullDatabase } from '../harness/database.ts';
import { Registry } from '../harness/registry.ts';
import { etcd } from './etcd/etcd-database.ts';
import { mariadb } from './mariadb/mariadb-database.ts';
import { postgres } from './postgres/postgres-database.ts';

/** Databases `faultline run --db` knows, by name (STYLE.md #12). A new database is one folder and one line here. */
export const databases = new Registry<DatabaseDefinition>('database');

export const registerDatabase = (definition: DatabaseDefinition): void => databases.register(definition);
export const databaseNames = (): string[] => databases.names();
/** A fresh instance of the named database, or undefined for an unknown name. */
export const getDatabase = (name: string): FullDatabase | undefined => databases.get(name)?.create();

registerDatabase(etcd);
registerDatabase(mariadb);
registerDatabase(postgres);
