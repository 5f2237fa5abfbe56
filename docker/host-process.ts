import { readFileSync } from 'node:fs';

/**
 * Facts about a process on this host read from /proc. A pid alone can be reused by an unrelated
 * process, so liveness checks compare the start time (clock ticks since boot, /proc/<pid>/stat
 * field 22) recorded when the pid was noted.
 */
export interface HostProcess {
  pid: number;
  /** Executable name (`/proc/<pid>/comm`), e.g. `dockerd`. */
  comm: string;
  startTicks: string;
}

export function hostProcess(pid: number): HostProcess | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm sits in parentheses and may itself contain spaces or parentheses.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state); a zombie has exited and only waits to be reaped.
    if (fields[0] === 'Z') return undefined;
    return { pid, comm, startTicks: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** True when `pid` runs and, if `startTicks` is given, is still the same process. */
export function isSameProcessAlive(pid: number, startTicks?: string): boolean {
  const p = hostProcess(pid);
  return p !== undefined && (startTicks === undefined || startTicks === '' || p.startTicks === startTicks);
}
