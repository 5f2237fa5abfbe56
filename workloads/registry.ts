import { Registry } from '../harness/registry.ts';
import { casRegister } from './register/register.ts';
import type { Workload } from './workload.ts';

/** Workloads by name; `faultline run --workload NAME` looks them up here. */
const workloads = new Registry<Workload>();

export const registerWorkload = (workload: Workload): void => workloads.register(workload);
export const getWorkload = (name: string): Workload | undefined => workloads.get(name);
export const workloadNames = (): string[] => workloads.names();

registerWorkload(casRegister);
