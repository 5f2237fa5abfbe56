import { casRegister } from './register/register.ts';
import type { Workload } from './workload.ts';

/** Workloads by name; `faultline run --workload NAME` looks them up here. */
const workloads = new Map<string, Workload>();

export function registerWorkload(workload: Workload): void {
  workloads.set(workload.name, workload);
}

export function getWorkload(name: string): Workload | undefined {
  return workloads.get(name);
}

export function workloadNames(): string[] {
  return [...workloads.keys()].sort();
}

registerWorkload(casRegister);
