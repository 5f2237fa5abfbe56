// A controller for the SIGKILL test: runs a long memory-register test into the store given as
// argv[2], printing "running" once the workload has started. The test kills it mid-run.
import { casRegister } from '../../workloads/register/register.ts';
import { runTest } from '../../cli/run/run-test.ts';
import { fakeBackend, fakeDatabase } from './fake-cluster.ts';
import { MemoryRegisterClient, MemoryStore } from './memory-register.ts';

const store = new MemoryStore();
await runTest(
  { name: 'killed', db: 'memory', workload: 'register', nodes: 3, concurrency: 8, rate: 0, timeLimit: 120, nemesis: [], nemesisInterval: 10, recovery: 0, seed: 3, options: {} },
  {
    backend: fakeBackend(),
    db: fakeDatabase('memory', { clients: { register: () => new MemoryRegisterClient(store, { latencyMs: () => Math.random() * 2 }) } }),
    workload: casRegister,
    nemeses: [],
    storeRoot: process.argv[2]!,
    observer: { onPhase: (p) => p === 'workload' && process.stdout.write('running\n') },
  },
);
