import type { Cluster } from './cluster.ts';

/**
 * The per-node clock convention for images that ship libfaketime (postgres, mariadb): the server
 * is started with libfaketime preloaded, reading its offset from one file in the node that the
 * clock nemesis rewrites (`+0`, `+120`, `-3.5`: seconds, libfaketime's relative syntax). Only the
 * wall clock is faked: monotonic clocks stay real, as with a stepped system clock.
 */
export const FAKETIME_FILE = '/var/lib/faultline/faketime';
/** A symlink each image makes to its architecture's libfaketime.so.1. */
export const FAKETIME_LIBRARY = '/usr/local/lib/libfaketime.so.1';

/** Environment that makes a C program's wall clock follow FAKETIME_FILE (re-read every second). */
export function faketimeEnv(): Record<string, string> {
  return {
    LD_PRELOAD: FAKETIME_LIBRARY,
    FAKETIME_TIMESTAMP_FILE: FAKETIME_FILE,
    FAKETIME_CACHE_DURATION: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}

/** Sets `node`'s clock offset in seconds (0 = the real clock). */
export async function writeClockOffset(cluster: Cluster, node: string, seconds: number): Promise<void> {
  const sign = seconds < 0 ? '-' : '+';
  await cluster.writeFile(node, FAKETIME_FILE, `${sign}${Math.abs(seconds)}\n`);
}
