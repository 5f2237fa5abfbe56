import type { Cluster } from '../harness/cluster.ts';
import { faketimeEnv } from '../harness/faketime.ts';

/** A node's clock offset as a libfaketime process there sees it, measured against the controller's clock. */
export interface MeasuredOffset {
  /** Node time minus controller time, ms. */
  offsetMs: number;
  /** Half the round trip of the measurement: the true offset is within ± this. */
  errorMs: number;
}

/**
 * Measures what a process started under libfaketime on `node` reads as the time (a fresh `date`
 * with the same environment the database runs under), bracketed by the controller's clock. A
 * fresh process reads the offset file at once; a long-running server re-reads it within
 * libfaketime's cache duration (1 s).
 */
export async function measureOffset(cluster: Cluster, node: string): Promise<MeasuredOffset> {
  const before = Date.now();
  const r = await cluster.exec(node, ['date', '+%s.%N'], { env: faketimeEnv(), timeoutMs: 10_000 });
  const after = Date.now();
  const seconds = Number(r.stdout.trim());
  if (r.exitCode !== 0 || !Number.isFinite(seconds)) {
    throw new Error(`could not read the clock on ${node} under libfaketime (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(0, 200)}`);
  }
  return { offsetMs: Math.round(seconds * 1000 - (before + after) / 2), errorMs: Math.ceil((after - before) / 2) };
}
