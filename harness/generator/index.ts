// The generator DSL in one import, for workload and nemesis authors.
export * from './generator.ts';
export * from './basic.ts';
export * from './combinators.ts';
export * from './per-key.ts';
export { simulate, type SimulateOptions } from './simulate.ts';
