import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SCRIPTS } from './remote-scripts.ts';
import { parseProcessList } from './ssh-cluster.ts';
import { envHeader } from './shell.ts';

// The host-side scripts, run here with the local /bin/sh (what sshd would start on a host), on
// processes of their own: supervision, signals and teardown are shell logic that needs no SSH.

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'faultline-scripts-'));
const dir = join(root, 'faultline', 'runs', 'r1');
afterAll(async () => {
  if (existsSync(dir)) await sh(SCRIPTS.teardown, [dir, '']);
  rmSync(root, { recursive: true, force: true });
});

async function sh(script: string, args: string[], stdin = ''): Promise<{ stdout: string; stderr: string; code: number }> {
  const child = run('/bin/sh', ['-c', script, 'faultline', ...args], { timeout: 20_000 });
  // A script that exits without reading its stdin (a refusal) closes the pipe first: not a failure.
  child.child.stdin!.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  child.child.stdin!.end(stdin);
  try {
    const { stdout, stderr } = await child;
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const launch = (mode: 'fg' | 'bg', id: string, argv: string[], stdin = envHeader(), t = '10') => sh(SCRIPTS.launch, [dir, mode, id, t, '', ...argv], stdin);
const list = async () => parseProcessList((await sh(SCRIPTS.list, [dir])).stdout);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('the host scripts', () => {
  it('setup makes the run directory; launch runs a command with its environment from stdin, never from argv', async () => {
    expect((await sh(SCRIPTS.setup, [dir], '{"runId":"r1"}\n')).code).toBe(0);
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).toBe('{"runId":"r1"}\n');
    const r = await launch('fg', '1', ['/bin/sh', '-c', 'printf "[%s]" "$SECRET"; cat'], `${envHeader({ SECRET: "it's a\nsecret\n" })}rest of stdin`);
    expect(r).toEqual({ stdout: "[it's a\nsecret\n]rest of stdin", stderr: '', code: 0 });
    // The foreground record is gone once the command is.
    expect(readdirSync(join(dir, 'procs'))).toEqual([]);
    expect((await launch('fg', '2', ['sh', '-c', 'exit 7'])).code).toBe(7);
  });

  it('a background start is recorded; list finds it and its children, and nothing else', async () => {
    expect((await launch('bg', '3', ['/bin/sh', '-c', 'echo started; sleep 300 & exec sleep 301'])).code).toBe(0);
    let procs = await list();
    for (let i = 0; i < 50 && procs.length < 2; i++) procs = (await new Promise((r) => setTimeout(r, 20)), await list());
    expect(procs.map((p) => p.cmdline).sort()).toEqual(['sleep 300', 'sleep 301']);
    expect(readdirSync(join(dir, 'procs'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(join(dir, 'logs', '3.log'), 'utf8')).toBe('started\n');
  });

  it('tree STOP stops every thread of the background processes; CONT resumes them', async () => {
    const pids = (await list()).map((p) => p.pid);
    expect((await sh(SCRIPTS.tree, [dir, 'STOP'])).stdout.trim()).toBe('2');
    const state = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
    expect(pids.map(state)).toEqual(['T', 'T']);
    expect((await sh(SCRIPTS.tree, [dir, 'CONT'])).stdout.trim()).toBe('2');
    expect(pids.map(state)).not.toContain('T');
  });

  it('signal reaches only the run\'s own processes among the pids it is given', async () => {
    const [first] = await list();
    const r = await sh(SCRIPTS.signal, [dir, 'KILL', String(first!.pid), String(process.pid), '1']);
    expect(r.stdout.trim()).toBe('1');
    expect(alive(process.pid)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(first!.pid)).toBe(false);
  });

  it('a foreground command is killed, its children too, when the remote timeout fires', async () => {
    const started = Date.now();
    const r = await launch('fg', '4', ['/bin/sh', '-c', 'sleep 60 & echo $! > "$0"; sleep 61', join(root, 'child.pid')], envHeader(), '0.5');
    expect(r.code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(Number(readFileSync(join(root, 'child.pid'), 'utf8')))).toBe(false);
  });

  it('teardown kills every run process and removes the run directory, and only a run directory', async () => {
    await launch('bg', '5', ['sleep', '302']);
    const pids = (await list()).map((p) => p.pid);
    expect(pids.length).toBeGreaterThan(0);
    const r = await sh(SCRIPTS.teardown, [dir, '']);
    expect(r.stdout.trim()).toBe('left=0 chains=0');
    await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    expect(await sh(SCRIPTS.teardown, [elsewhere, ''])).toMatchObject({ code: 3, stderr: `faultline: refusing to remove ${elsewhere} (not a faultline run directory)\n` });
    expect(existsSync(elsewhere)).toBe(true);
  });

  it('launch refuses to run once the run directory is gone', async () => {
    const r = await launch('fg', '6', ['true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^faultline: the run directory .* is gone/);
  });
});

describe('parseProcessList', () => {
  it('reads pids and command lines as pgrep -f sees them', () => {
    expect(parseProcessList('12 sleep\x01300\x01\x0213 sh\x01-c\x01echo a  b\x01\x0214 \x02')).toEqual([
      { pid: 12, cmdline: 'sleep 300' },
      { pid: 13, cmdline: 'sh -c echo a  b' },
    ]);
  });
});
