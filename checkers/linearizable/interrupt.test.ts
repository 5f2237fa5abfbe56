import { describe, expect, it } from 'vitest';
import { concatKeyed, denseRegisterHistory } from '../../test/support/dense-register.ts';
import { checkLinearizable, DEFAULT_TIME_LIMIT_MS } from './linearizable-checker.ts';
import type { Model } from './model.ts';
import { casRegisterModel } from './models/cas-register.ts';
import { simulateRegister } from './simulate-register.ts';

/** A key no search decides in seconds: 10,000 ops, 50 clients in flight, one stale read. */
const hard = denseRegisterHistory({ ops: 10_000, processes: 50, values: 5, seed: 7, staleReadAt: 0.8 });
const easy = (seed: number) => simulateRegister({ ops: 200, processes: 4, values: 3, seed });
/** Key "bad" is not linearizable: a read of a value never written. */
const bad = easy(5).map((op) => (op.type === 'ok' && op.f === 'read' ? { ...op, value: 99 } : op));

describe('the linearizability search can be stopped', () => {
  it('returns soon after its signal is aborted, saying which keys it decided', async () => {
    const history = concatKeyed([
      { key: 'a', history: easy(1) },
      { key: 'b', history: easy(2) },
      { key: 'hard', history: hard },
    ]);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 1500);
    const r = await checkLinearizable(history, { model: 'cas-register', signal: controller.signal });
    const tookMs = performance.now() - started;
    expect(tookMs).toBeGreaterThan(1400);
    expect(tookMs).toBeLessThan(1500 + 500);
    expect(r.valid).toBe('unknown');
    expect(r.details?.undecidedKeys).toEqual(['hard']);
    expect(r.error).toBe('the check was interrupted before deciding 1 key ("hard"); 2 of 3 keys were decided');
  });

  it('keeps the anomalies found before the interrupt: the verdict is false, not unknown', async () => {
    const controller = new AbortController();
    // Interrupts once the search is busy with key "hard" (keys are searched in order).
    let hardSteps = 0;
    const model: Model<unknown> = {
      ...casRegisterModel,
      step(state, op) {
        if (op.key === 'hard' && ++hardSteps === 10_000) controller.abort();
        return casRegisterModel.step(state, op);
      },
    };
    const history = concatKeyed([
      { key: 'bad', history: bad },
      { key: 'hard', history: hard },
    ]);
    const r = await checkLinearizable(history, { model: model as Model<never>, signal: controller.signal });
    expect(controller.signal.aborted).toBe(true);
    expect(r.valid).toBe(false);
    expect(r.anomalies.map((a) => a.key)).toEqual(['bad']);
    expect(r.details?.undecidedKeys).toEqual(['hard']);
    expect(r.error).toBe('the check was interrupted before deciding 1 key ("hard"); 1 of 2 keys were decided, 1 not linearizable');
  });

  it('is unknown when interrupted with nothing found', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const r = await checkLinearizable(hard, { model: 'cas-register', signal: controller.signal });
    expect(r.valid).toBe('unknown');
    expect(r.error).toBe('the check was interrupted before deciding the history');
  });

  it('has a default time limit of five minutes, which the caller can change', async () => {
    expect(DEFAULT_TIME_LIMIT_MS).toBe(300_000);
    const started = performance.now();
    const r = await checkLinearizable(hard, { model: 'cas-register', timeLimitMs: 500 });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(r.valid).toBe('unknown');
    expect(r.error).toBe('the time limit of 500 ms ran out before deciding the history');
    expect(r.details?.timeLimitMs).toBe(500);
  });
});
