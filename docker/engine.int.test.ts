import { mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE, ensureBaseImage } from './base-image.ts';
import { dockerClient, engineAnswers, ensureEngine, removeStalePidFiles } from './engine.ts';
import { hostProcess } from './host-process.ts';

function dockerdCount(): number {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p) && hostProcess(Number(p))?.comm === 'dockerd').length;
}

describe('engine bootstrap', () => {
  it('is idempotent: concurrent calls on a running engine start nothing and say nothing', async () => {
    const lines: string[] = [];
    const states = await Promise.all([1, 2, 3].map(() => ensureEngine({ log: (l) => lines.push(l) })));
    expect(states).toEqual(['running', 'running', 'running']);
    expect(lines).toEqual([]);
    expect(dockerdCount()).toBe(1);
    expect(await engineAnswers()).toBe(true);
  });

  it('removes a pid file whose process is gone and keeps the live engine’s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pid-'));
    const stale = join(dir, 'docker.pid');
    const reused = join(dir, 'containerd.pid');
    const live = '/var/run/docker.pid';
    writeFileSync(stale, '999999999');
    writeFileSync(reused, String(process.pid)); // a live pid, but not containerd: a reused pid
    const lines: string[] = [];
    const liveDockerd = removeStalePidFiles((l) => lines.push(l), [
      [stale, 'dockerd'],
      [reused, 'containerd'],
      [live, 'dockerd'],
    ]);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(reused)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(liveDockerd).toBe(Number(readFileSync(live, 'utf8')));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/removing stale pid file .*docker\.pid \(pid 999999999 is not a running dockerd/);
  });

  it('has the base image (globalSetup built or pulled it) and reports it present', async () => {
    expect(await ensureBaseImage()).toBe('present');
    const info = await dockerClient().getImage(BASE_IMAGE).inspect();
    expect(info.Os).toBe('linux');
  });
});
