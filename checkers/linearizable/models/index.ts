import type { Model } from '../model.ts';
import { casRegisterModel } from './cas-register.ts';
import { fifoQueueModel } from './fifo-queue.ts';
import { kvModel } from './kv.ts';
import { mutexModel } from './mutex.ts';
import { registerModel } from './register.ts';
import { setModel } from './set.ts';

/** Models by name, for `--model`. */
const models = new Map<string, Model<never>>();

export function registerModelDefinition<S>(model: Model<S>): void {
  models.set(model.name, model as unknown as Model<never>);
}

export function getModel(name: string): Model<unknown> | undefined {
  return models.get(name) as Model<unknown> | undefined;
}

export function modelNames(): string[] {
  return [...models.keys()].sort();
}

for (const m of [registerModel, casRegisterModel, mutexModel, setModel, fifoQueueModel, kvModel] as Model<never>[]) registerModelDefinition(m);
