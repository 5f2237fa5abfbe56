import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ContainerProcess {
  /** Host pid (what the host's kill(2) takes). */
  pid: number;
  /** Full command line, arguments joined by spaces (what `pgrep -f` matches). */
  cmdline: string;
}

/**
 * Processes in the pid namespace of `initPid` (a container's init, as the host sees it), read
 * from the host's /proc, so images need no procps. The init itself is left out: signalling it
 * would end the container, not the database.
 */
export function processesInNamespace(initPid: number): ContainerProcess[] {
  const ns = readlinkSync(`/proc/${initPid}/ns/pid`);
  const found: ContainerProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === initPid) continue;
    try {
      if (readlinkSync(`/proc/${pid}/ns/pid`) !== ns) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
      // Zombies and kernel threads have an empty command line: nothing left to signal.
      if (cmdline !== '') found.push({ pid, cmdline });
    } catch {
      // The process exited while we looked.
    }
  }
  return found;
}
