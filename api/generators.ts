/**
 * The generator combinators workloads are written with (after jepsen.generator): a generator is
 * a pure value that answers "next op, pending, or done" and is updated on every event; only the
 * scheduler does I/O. `simulate` runs one against fake completions, so a generator's test takes
 * milliseconds. All randomness comes from a seeded {@link Random}.
 * @module faultline/generators
 */
export type { Generator, GenContext, GenEvent, GenOp, Step, Thread } from '../harness/generator/generator.ts';
export { DONE, emit, pending } from '../harness/generator/generator.ts';
export { EMPTY, fromFn, items, log, once, repeat, sleep } from '../harness/generator/basic.ts';
export { any, clients, concat, cycle, delay, eachThread, limit, mix, nemesis, onThreads, phases, stagger, synchronize, timeLimit } from '../harness/generator/combinators.ts';
export { perKey, type Key, type PerKeyOptions } from '../harness/generator/per-key.ts';
export { unfold } from '../harness/generator/unfold.ts';
export { simulate, type SimulateOptions } from '../harness/generator/simulate.ts';
export { Random, type Draw, type RandomStream } from '../harness/random.ts';
export type { Completion, Invocation } from '../harness/client.ts';
