import { describe, expect, it } from 'vitest';
import { installShutdownHandlers, interceptSignals, onShutdown } from './shutdown.ts';

describe('signal interception', () => {
  it('the first signal goes to the command, the second runs the hooks and exits', async () => {
    const exits: number[] = [];
    const lines: string[] = [];
    installShutdownHandlers({ exit: (code) => exits.push(code), log: (l) => lines.push(l) });
    const ran: string[] = [];
    const unhook = onShutdown('tear down', () => void ran.push('hook'));
    const release = interceptSignals((sig) => ran.push(`command saw ${sig}`));
    process.emit('SIGINT');
    expect(ran).toEqual(['command saw SIGINT']);
    expect(exits).toEqual([]);
    process.emit('SIGINT');
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual(['command saw SIGINT', 'hook']);
    expect(exits).toEqual([130]);
    release();
    unhook();
  });
});
