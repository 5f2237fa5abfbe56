import type { NemesisFactory } from './nemesis.ts';

/** Fault classes by name; `faultline run --nemesis NAME,…` looks them up here. */
const factories = new Map<string, NemesisFactory>();

export function registerNemesis(factory: NemesisFactory): void {
  factories.set(factory.name, factory);
}

export function getNemesis(name: string): NemesisFactory | undefined {
  return factories.get(name);
}

export function nemesisNames(): string[] {
  return [...factories.keys()].sort();
}
