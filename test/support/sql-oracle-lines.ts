/**
 * What faultline must find on the real SQL databases, and where it must find nothing
 * (shared/oracles/README.md: Hermitage and the Jepsen analyses). Shared by the oracle
 * integration suite and `npm run bench:sql-oracles`, which measures how reliably each appears.
 */
export interface OracleLine {
  title: string;
  db: 'postgres' | 'mariadb';
  isolation?: 'read-committed' | 'repeatable-read' | 'serializable';
  workload: 'list-append' | 'write-skew' | 'lost-update' | '2pc-bank';
  valid: boolean;
  /** Anomaly types the result must name (when invalid). */
  anomalies: string[];
  /** Default 1. */
  nodes?: number;
  /** Faults and options beyond the common flags. */
  extraArgs?: string[];
  /** The seed the integration suite uses (the bench tries its own). */
  seed?: number;
}

export const ORACLE_LINES: readonly OracleLine[] = [
  { title: 'PostgreSQL serializable: list-append is valid', db: 'postgres', isolation: 'serializable', workload: 'list-append', valid: true, anomalies: [] },
  { title: 'MariaDB serializable: list-append is valid', db: 'mariadb', isolation: 'serializable', workload: 'list-append', valid: true, anomalies: [] },
  { title: 'PostgreSQL serializable: write-skew is valid', db: 'postgres', isolation: 'serializable', workload: 'write-skew', valid: true, anomalies: [] },
  { title: 'MariaDB serializable: write-skew is valid', db: 'mariadb', isolation: 'serializable', workload: 'write-skew', valid: true, anomalies: [] },
  { title: 'PostgreSQL serializable: lost-update is valid', db: 'postgres', isolation: 'serializable', workload: 'lost-update', valid: true, anomalies: [] },
  { title: 'MariaDB serializable: lost-update is valid', db: 'mariadb', isolation: 'serializable', workload: 'lost-update', valid: true, anomalies: [] },
  {
    title: 'PostgreSQL repeatable read: write-skew is invalid (G2-item, write-skew), and valid under snapshot isolation',
    db: 'postgres', isolation: 'repeatable-read', workload: 'write-skew', valid: false, anomalies: ['G2-item', 'write-skew', 'on-call-invariant'],
  }, // prettier-ignore
  { title: 'MariaDB repeatable read: lost-update is invalid (lost-update)', db: 'mariadb', isolation: 'repeatable-read', workload: 'lost-update', valid: false, anomalies: ['lost-update'] },
  { title: 'PostgreSQL read committed: lost-update is invalid (lost-update)', db: 'postgres', isolation: 'read-committed', workload: 'lost-update', valid: false, anomalies: ['lost-update'] },
  { title: 'MariaDB repeatable read: write-skew is invalid (G2-item)', db: 'mariadb', isolation: 'repeatable-read', workload: 'write-skew', valid: false, anomalies: ['G2-item', 'on-call-invariant'] },
  {
    title: 'PostgreSQL serializable under kill and pause: list-append stays valid',
    db: 'postgres', isolation: 'serializable', workload: 'list-append', valid: true, anomalies: [],
    extraArgs: ['--nemesis', 'kill,pause', '--nemesis-interval', '5', '--recovery', '5'], seed: 13,
  },
  {
    title: '2pc-bank on three PostgreSQL shards under shard kills: total conserved, nothing half-applied or left in doubt',
    db: 'postgres', workload: '2pc-bank', nodes: 3, valid: true, anomalies: [],
    // One shard at a time; the coordinator holds 100 ms between PREPARE and COMMIT so kills land in doubt.
    extraArgs: ['--nemesis', 'kill:one', '--nemesis-interval', '4', '--recovery', '5', '--option', 'prepareHoldMs=100'], seed: 2,
  },
]; // prettier-ignore

/** The `faultline run` arguments for a line (30 s, 10 workers, 100 ops/s). */
export function oracleRunArgs(line: OracleLine, store: string, timeLimit = 30, seed = line.seed): string[] {
  return [
    'run', '--db', line.db, '--workload', line.workload, '--nodes', String(line.nodes ?? 1),
    ...(line.isolation ? ['--isolation', line.isolation] : []),
    '--concurrency', '10', '--rate', '100', '--time-limit', String(timeLimit), '--json', '--store', store,
    ...(line.extraArgs ?? []),
    ...(seed === undefined ? [] : ['--seed', String(seed)]),
  ]; // prettier-ignore
}

/** Runs `run` when one of `lanes` is free (two runs at a time keep the suite's wall time down). */
export function laned<T>(lanes: number): (run: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (active >= lanes) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await run();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
