import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hostProcess } from './host-process.ts';
import { controllerLabels, controllerLiveness, LABEL, thisHost, type Here } from './labels.ts';

const here = (alive: Record<number, string>): Here => ({ hostname: 'h1', isAlive: (pid, start) => alive[pid] !== undefined && (start === '' || alive[pid] === start) });

describe('controller liveness', () => {
  const labels = (pid: string, start: string, host = 'h1') => ({ [LABEL.run]: 'r', [LABEL.pid]: pid, [LABEL.start]: start, [LABEL.host]: host });

  it('tells live, dead, reused-pid and foreign controllers apart', () => {
    const h = here({ 42: '1000' });
    expect(controllerLiveness(labels('42', '1000'), h)).toBe('alive');
    expect(controllerLiveness(labels('43', '1000'), h)).toBe('dead');
    expect(controllerLiveness(labels('42', '999'), h)).toBe('dead'); // pid reused by another process
    expect(controllerLiveness(labels('43', '1000', 'h2'), h)).toBe('other-host');
    expect(controllerLiveness({ [LABEL.run]: 'r' }, h)).toBe('dead');
  });

  it('sees this process as alive and an exited one as dead, from real /proc', () => {
    expect(controllerLiveness(controllerLabels('r'), thisHost)).toBe('alive');
    expect(hostProcess(process.pid)?.comm).toMatch(/node|vitest/);
    const child = spawnSync('true');
    expect(child.pid).toBeGreaterThan(0);
    expect(controllerLiveness({ ...controllerLabels('r'), [LABEL.pid]: String(child.pid) }, thisHost)).toBe('dead');
  });
});
