import { Registry } from '../harness/registry.ts';
import { bank } from './bank/bank.ts';
import { listAppend } from './list-append/list-append.ts';
import { lostUpdate } from './lost-update/lost-update.ts';
import { casRegister } from './register/register.ts';
import { rwRegister } from './rw-register/rw-register.ts';
import { twoPcBank } from './two-pc-bank/two-pc-bank.ts';
import { writeSkew } from './write-skew/write-skew.ts';
import type { Workload } from './workload.ts';

/** Workloads by name; `faultline run --workload NAME` looks them up here. */
export const workloads = new Registry<Workload>('workload');

export const registerWorkload = (workload: Workload): void => workloads.register(workload);
export const getWorkload = (name: string): Workload | undefined => workloads.get(name);
export const workloadNames = (): string[] => workloads.names();

registerWorkload(casRegister);
for (const w of [listAppend, rwRegister, bank, writeSkew, lostUpdate, twoPcBank]) registerWorkload(w);
