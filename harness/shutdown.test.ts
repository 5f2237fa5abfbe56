import { describe, expect, it } from 'vitest';
import { onShutdown, pendingShutdownHooks, runShutdownHooks } from './shutdown.ts';

describe('shutdown hooks', () => {
  it('run newest first, once; a failing or unregistered hook does not stop the others', async () => {
    const order: string[] = [];
    const lines: string[] = [];
    onShutdown('cluster', () => void order.push('cluster'));
    onShutdown('broken', () => {
      throw new Error('boom');
    });
    const off = onShutdown('removed', () => void order.push('removed'));
    onShutdown('history', async () => {
      await new Promise((r) => setTimeout(r, 5));
      order.push('history');
    });
    off();
    off();
    expect(pendingShutdownHooks()).toEqual(['cluster', 'broken', 'history']);
    await runShutdownHooks((l) => lines.push(l));
    expect(order).toEqual(['history', 'cluster']);
    expect(lines).toEqual(['cleanup: broken failed: boom']);
    expect(pendingShutdownHooks()).toEqual([]);
    await runShutdownHooks((l) => lines.push(l));
    expect(order).toEqual(['history', 'cluster']);
  });

  it('give up on a hook that outlives the deadline and say what was skipped', async () => {
    const lines: string[] = [];
    onShutdown('later', () => {});
    onShutdown('hangs', () => new Promise(() => {}));
    await runShutdownHooks((l) => lines.push(l), 50);
    expect(lines[0]).toMatch(/^cleanup: hangs failed: still running after \d+ ms$/);
    expect(lines[1]).toMatch(/out of time; skipped later/);
  });
});
