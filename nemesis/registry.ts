import { Registry } from '../harness/registry.ts';
import type { NemesisFactory } from '../harness/nemesis.ts';
import { clockFactory } from './clock.ts';
import { killFactory } from './kill.ts';
import { packetFactory } from './packet.ts';
import { partitionFactory } from './partition.ts';
import { pauseFactory } from './pause.ts';

/** Fault classes by name; `faultline run --nemesis NAME,…` looks them up here. */
export const nemeses = new Registry<NemesisFactory>('nemesis');

export const registerNemesis = (factory: NemesisFactory): void => nemeses.register(factory);
export const getNemesis = (name: string): NemesisFactory | undefined => nemeses.get(name);
export const nemesisNames = (): string[] => nemeses.names();

for (const f of [partitionFactory, packetFactory, killFactory, pauseFactory, clockFactory]) registerNemesis(f);
