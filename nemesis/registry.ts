import { Registry } from '../harness/registry.ts';
import type { NemesisFactory } from '../harness/nemesis.ts';
import { clockFactory } from './clock.ts';
import { killFactory } from './kill.ts';
import { packetFactory } from './packet.ts';
import { partitionFactory } from './partition.ts';
import { pauseFactory } from './pause.ts';

/** Fault classes by name; `faultline run --nemesis NAME,…` looks them up here. */
const factories = new Registry<NemesisFactory>();

export const registerNemesis = (factory: NemesisFactory): void => factories.register(factory);
export const getNemesis = (name: string): NemesisFactory | undefined => factories.get(name);
export const nemesisNames = (): string[] => factories.names();

for (const f of [partitionFactory, packetFactory, killFactory, pauseFactory, clockFactory]) registerNemesis(f);
