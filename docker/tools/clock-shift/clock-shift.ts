import { join } from 'node:path';

/**
 * The command-line contract of the clock-shift tool (C, in this folder; see README.md): its
 * exit codes, the argv of each command and the JSON line each prints. A nemesis runs it inside
 * the node (`docker exec`, or ssh later) and keeps the vocabulary here.
 */

/** Exit codes, as in src/cs.h (clock-shift.test.ts checks that the two agree). */
export const CLOCK_SHIFT_EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  noProcess: 3,
  unsupported: 4,
  permission: 5,
  offsetFile: 6,
  conflict: 7,
  refused: 8,
} as const;

/** Where images put the binary, and the offset file a node's database process maps. */
export const CLOCK_SHIFT_BINARY = '/usr/local/bin/clock-shift';
export const CLOCK_SHIFT_OFFSET_FILE = '/var/lib/faultline/clock-shift';

/** The tool's source folder (Makefile, Dockerfile fragment). */
export const CLOCK_SHIFT_SOURCE = import.meta.dirname;
/** What `make` in CLOCK_SHIFT_SOURCE builds. */
export const CLOCK_SHIFT_BUILT = join(import.meta.dirname, 'build', 'clock-shift');

export type ClockShiftMode = 'auto' | 'relocate' | 'syscall';

/** What `attach` and `status` print. */
export interface ClockShiftStatus {
  pid: number;
  attached: boolean;
  /** attach only: it was already attached to the same file (nothing changed). */
  already?: boolean;
  mode?: 'relocate' | 'syscall';
  /** The vDSO entry points that jump to the trampoline. */
  functions?: string[];
  offsetFile?: string;
  realtimeNs?: number;
  monotonicNs?: number;
  /** Why attach used the raw-syscall stub. */
  note?: string;
}

/** What `set` and `get` print. */
export interface ClockShiftOffsets {
  offsetFile: string;
  realtimeNs: number;
  monotonicNs: number;
}

export const clockShiftArgs = {
  attach: (pid: number, offsetFile: string, mode: ClockShiftMode = 'auto'): string[] => ['attach', String(pid), '--offset-file', offsetFile, '--mode', mode],
  detach: (pid: number, allowMonotonicBackward = false): string[] => ['detach', String(pid), ...(allowMonotonicBackward ? ['--allow-monotonic-backward'] : [])],
  status: (pid: number): string[] => ['status', String(pid)],
  /** Offsets are absolute, in ns; the monotonic one may only grow unless allowed. */
  set: (offsetFile: string, offsets: { realtimeNs?: number; monotonicNs?: number }, allowMonotonicBackward = false): string[] => [
    'set',
    offsetFile,
    ...(offsets.realtimeNs === undefined ? [] : ['--realtime-ns', nsArg(offsets.realtimeNs)]),
    ...(offsets.monotonicNs === undefined ? [] : ['--monotonic-ns', nsArg(offsets.monotonicNs)]),
    ...(allowMonotonicBackward ? ['--allow-monotonic-backward'] : []),
  ],
  get: (offsetFile: string): string[] => ['get', offsetFile],
};

function nsArg(ns: number): string {
  if (!Number.isSafeInteger(ns)) throw new RangeError(`a clock offset must be a whole number of ns, got ${ns}`);
  return String(ns);
}

/** Parses the one JSON line a successful command printed. */
export function parseClockShiftOutput<T extends ClockShiftStatus | ClockShiftOffsets>(stdout: string): T {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null) return value as T;
  } catch {
    // reported below
  }
  throw new Error(`clock-shift printed ${JSON.stringify(line.slice(0, 200))}, not a JSON object`);
}
