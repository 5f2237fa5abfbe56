import { hostname } from 'node:os';
import { hostProcess, isSameProcessAlive } from './host-process.ts';

/**
 * Labels on every container and network a run creates. The controller's pid, its start time and
 * its host let a reaper tell a live run (spare it) from one whose controller died (remove it).
 */
export const LABEL = {
  run: 'faultline.run',
  node: 'faultline.node',
  pid: 'faultline.controller.pid',
  start: 'faultline.controller.start',
  host: 'faultline.controller.host',
} as const;

export function controllerLabels(runId: string): Record<string, string> {
  return {
    [LABEL.run]: runId,
    [LABEL.pid]: String(process.pid),
    [LABEL.start]: hostProcess(process.pid)?.startTicks ?? '',
    [LABEL.host]: hostname(),
  };
}

export type Liveness = 'alive' | 'dead' | 'other-host';

export interface Here {
  hostname: string;
  isAlive(pid: number, startTicks: string): boolean;
}

export const thisHost: Here = {
  hostname: hostname(),
  isAlive: (pid, startTicks) => isSameProcessAlive(pid, startTicks),
};

/**
 * Whether the controller that labelled an object still runs. A controller on another host (a
 * shared remote engine) cannot be checked from here, so it is never called dead.
 */
export function controllerLiveness(labels: Record<string, string>, here: Here = thisHost): Liveness {
  const host = labels[LABEL.host];
  if (host !== undefined && host !== here.hostname) return 'other-host';
  const pid = Number.parseInt(labels[LABEL.pid] ?? '', 10);
  if (!Number.isInteger(pid)) return 'dead';
  return here.isAlive(pid, labels[LABEL.start] ?? '') ? 'alive' : 'dead';
}
