import { describe, expect, it } from 'vitest';
import type { Cluster, ExecResult } from '../harness/cluster.ts';
import { FAKETIME_FILE, writeClockOffset } from '../harness/faketime.ts';
import { ServerProcess } from './server-process.ts';

/** Just enough of a Cluster for the pure parts: exec output, signal counts, written files. */
function fakeCluster(over: Partial<Cluster>): Cluster {
  const fail = () => Promise.reject(new Error('not in this fake'));
  return { runId: 'r', nodes: [{ name: 'n1', ip: '10.213.0.11' }], exec: fail, netExec: fail, signal: fail, countProcesses: fail,
    pause: fail, unpause: fail, writeFile: fail, readFile: fail, copyOut: fail, teardown: fail, ...over } as Cluster; // prettier-ignore
}

const spec = { name: 'mariadb', pattern: '^mariadbd ', logFile: '/log', user: 'mysql', uninformativeLogLine: /\[ERROR\] Aborting$/ };

describe('ServerProcess', () => {
  it('quotes the last informative log line, skipping the ones that say nothing', async () => {
    const log = (stdout: string) => fakeCluster({ exec: async (): Promise<ExecResult> => ({ exitCode: 0, stdout, stderr: '' }) });
    const server = new ServerProcess(spec);
    expect(await server.lastLogLine(log("x\nCan't change dir (Errcode: 13)\n[ERROR] Aborting\n\n"), 'n1')).toBe("Can't change dir (Errcode: 13)");
    expect(await server.lastLogLine(log('[ERROR] Aborting\n'), 'n1')).toBe('[ERROR] Aborting');
    expect(await server.lastLogLine(log(''), 'n1')).toBe('(log empty)');
    expect(await server.lastLogLine(log(`${'y'.repeat(500)}\n`), 'n1')).toBe(`${'y'.repeat(400)}…`);
  });

  it('stops again until no new process appears, so a child forked mid-pause is stopped too', async () => {
    const counts = [3, 4, 4, 4];
    const signals: string[] = [];
    // The node reports a thread still running once, then none.
    const running = ['123/124 R\n', ''];
    const cluster = fakeCluster({
      signal: async (_n, _p, s) => (signals.push(s), counts.shift() ?? 4),
      exec: async (_n, _argv, options) => {
        expect(options?.env).toEqual({ PATTERN: '^mariadbd ' });
        return { exitCode: 0, stdout: running.shift() ?? '', stderr: '' };
      },
    });
    await new ServerProcess(spec).pause(cluster, 'n1');
    expect(signals).toEqual(['STOP', 'STOP', 'STOP']);
    expect(running).toEqual([]);
  });

  it('refuses to pause a server that is not running, rather than pretend', async () => {
    const cluster = fakeCluster({ signal: async () => 0 });
    await expect(new ServerProcess(spec).pause(cluster, 'n1')).rejects.toThrow('mariadb on n1 is not running (killed?): nothing to pause');
  });

  it('names the node, the last probe error and the log line when a server never gets ready', async () => {
    const cluster = fakeCluster({
      countProcesses: async () => 1,
      exec: async () => ({ exitCode: 0, stdout: 'still recovering\n', stderr: '' }),
    });
    const err = await new ServerProcess(spec).waitReady(cluster, 'n1', () => Promise.reject(new Error('ECONNREFUSED')), 300).catch((e: Error) => e.message);
    expect(err).toBe('mariadb on n1 not ready after 300 ms (ECONNREFUSED); last log line: still recovering');
  });
});

describe('clock offsets', () => {
  it('writes libfaketime relative offsets with an explicit sign', async () => {
    const written: [string, string][] = [];
    const cluster = fakeCluster({ writeFile: async (_n, path, content) => void written.push([path, String(content)]) });
    await writeClockOffset(cluster, 'n1', 86_400);
    await writeClockOffset(cluster, 'n1', -2.5);
    await writeClockOffset(cluster, 'n1', 0);
    expect(written).toEqual([[FAKETIME_FILE, '+86400\n'], [FAKETIME_FILE, '-2.5\n'], [FAKETIME_FILE, '+0\n']]);
  });
});
