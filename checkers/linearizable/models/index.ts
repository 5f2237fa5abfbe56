import { Registry } from '../../../harness/registry.ts';
import type { Model } from '../model.ts';
import { casRegisterModel } from './cas-register.ts';
import { fifoQueueModel } from './fifo-queue.ts';
import { kvModel } from './kv.ts';
import { mutexModel } from './mutex.ts';
import { registerModel } from './register.ts';
import { setModel } from './set.ts';

/** Models by name, for `--model`. */
export const models = new Registry<Model<never>>('model');

export function registerModelDefinition<S>(model: Model<S>): void {
  models.register(model as unknown as Model<never>);
}

export function getModel(name: string): Model<unknown> | undefined {
  return models.get(name) as Model<unknown> | undefined;
}

export const modelNames = (): string[] => models.names();

for (const m of [registerModel, casRegisterModel, mutexModel, setModel, fifoQueueModel, kvModel] as Model<never>[]) registerModelDefinition(m);
