import { valueEqual, type Model } from '../model.ts';

/** A FIFO queue: `enqueue v`; `dequeue` returns the head (nil when empty). */
export const fifoQueueModel: Model<readonly unknown[]> = {
  name: 'fifo-queue',
  description: 'enqueue v / dequeue → head, initially empty',
  fs: ['enqueue', 'dequeue'],
  init: () => [],
  step(queue, op) {
    if (op.f === 'enqueue') return [...queue, op.value];
    if (queue.length === 0) return op.crashed || op.output === null ? queue : undefined;
    if (op.crashed || valueEqual(op.output, queue[0])) return queue.slice(1);
    return undefined;
  },
  blind: (op) => op.f === 'enqueue',
};
