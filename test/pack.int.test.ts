import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerNames } from '../api/checkers.ts';

// The package as a user gets it: `npm pack` (prepack builds dist/ and the declarations), the
// tarball installed into an empty project (dependencies from the registry, through npm's cache),
// then used from there, by a plain script, by npx, by TypeScript, and by the example project
// (examples/own-store) with its own test against Docker.
const repo = join(import.meta.dirname, '..');
let scratch: string;
let project: string;
let tarball: string;

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function ok(command: string, args: string[], cwd: string): Promise<string> {
  const r = await run(command, args, cwd);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'faultline-pack-'));
  const packed = JSON.parse(await ok('npm', ['pack', '--json', '--pack-destination', scratch], repo)) as { filename: string }[];
  project = join(scratch, 'user-project');
  await ok('mkdir', [project], scratch);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  tarball = join(scratch, packed[0]!.filename);
  await ok('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], project);
}, 600_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the npm package, installed in an empty project', () => {
  it('ships compiled code and the files it reads at run time, not the TypeScript sources', async () => {
    const installed = join(project, 'node_modules', 'faultline');
    for (const f of ['dist/index.js', 'dist/checkers.js', 'dist/generators.js', 'dist/cli.js', 'dist/types/api/index.d.ts', 'bin/faultline.js', 'docker/etcd/Dockerfile', 'dist/report-client.js', 'README.md']) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
    for (const f of ['cli/main.ts', 'harness', 'checkers', 'reports', 'docker/etcd/etcd-database.ts', 'dist/build.json', 'test']) expect(existsSync(join(installed, f)), f).toBe(false);
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './checkers', './generators']));
  });

  it('a plain .mjs calls check() on a linearizable and a non-linearizable history, and its own model', async () => {
    const script = `
      import { check, readHistory, InputError } from 'faultline';
      import { checkerNames, casRegisterModel } from 'faultline/checkers';
      import { limit, repeat, simulate } from 'faultline/generators';
      const op = (type, process, f, value) => ({ type, process, f, value });
      const good = [op('invoke', 0, 'write', 1), op('ok', 0, 'write', 1), op('invoke', 1, 'read', null), op('ok', 1, 'read', 1)];
      const bad = [op('invoke', 0, 'write', 1), op('ok', 0, 'write', 1), op('invoke', 1, 'read', null), op('ok', 1, 'read', 2)];
      const counter = { name: 'counter', fs: ['add', 'read'], init: () => 0,
        step: (n, o) => (o.f === 'add' ? n + o.value : o.crashed || o.output === n ? n : undefined) };
      const lost = [op('invoke', 0, 'add', 2), op('ok', 0, 'add', 2), op('invoke', 1, 'read', null), op('ok', 1, 'read', 0)];
      let refused;
      try { await check(good, { checker: 'linearizable', model: 'queue' }); } catch (e) { refused = e instanceof InputError && e.message; }
      const edn = await readHistory({ text: '{:type :invoke, :f :read, :value nil, :process 0}\\n{:type :ok, :f :read, :value nil, :process 0}\\n' });
      console.log(JSON.stringify({
        good: await check(good, { checker: 'linearizable', model: 'cas-register' }),
        bad: await check(bad, { checker: 'linearizable', model: casRegisterModel }),
        counter: (await check(lost, { checker: 'linearizable', model: counter })).valid,
        edn: (await check(edn, { checker: 'linearizable' })).valid,
        refused,
        checkers: checkerNames().length,
        simulated: simulate(limit(3, repeat({ f: 'read', value: null })), { concurrency: 1 }).length,
      }));
    `;
    await writeFile(join(project, 'check.mjs'), script);
    const out = JSON.parse(await ok(process.execPath, ['check.mjs'], project));
    expect(out.good).toMatchObject({ valid: true, checker: 'linearizable', model: 'cas-register', ops: 4, keys: 1, anomalies: [] });
    expect(out.bad).toMatchObject({ valid: false, anomalyTypes: ['nonlinearizable'] });
    expect(out.bad.anomalies[0].text).toMatch(/^read → 2 by process 1 \(ops 2–3\) cannot be linearized/);
    // Every checker the sources register reaches the package.
    expect([out.counter, out.edn, out.checkers]).toEqual([false, true, checkerNames().length]);
    expect(out.refused).toMatch(/^unknown model "queue"; expected one of cas-register, /);
    expect(out.simulated).toBe(6);
  });

  it('npx faultline --help and check FILE run the compiled CLI, with the exit codes', async () => {
    const log = join(scratch, 'imports.log');
    // Every module the installed CLI loads, to show it runs dist/ and never tsx.
    const env = { NODE_OPTIONS: `--import ${join(repo, 'test/support/import-log.mjs')}`, IMPORT_LOG: log };
    const help = await run('npx', ['--no-install', 'faultline', '--help'], project, env);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('faultline check <files..>')]);
    const line = (o: object) => JSON.stringify(o);
    const op = (index: number, type: string, process: number, f: string, value: unknown) => ({ index, time: index, type, process, f, value });
    await writeFile(join(project, 'good.jsonl'), [op(0, 'invoke', 0, 'write', 1), op(1, 'ok', 0, 'write', 1), op(2, 'invoke', 1, 'read', null), op(3, 'ok', 1, 'read', 1)].map(line).join('\n'));
    await writeFile(join(project, 'bad.jsonl'), [op(0, 'invoke', 0, 'write', 1), op(1, 'ok', 0, 'write', 1), op(2, 'invoke', 1, 'read', null), op(3, 'ok', 1, 'read', 2)].map(line).join('\n'));
    await writeFile(join(project, 'broken.jsonl'), `${line(op(0, 'invoke', 0, 'write', 1))}\n{"index": 1,\n`);
    const good = await run('npx', ['--no-install', 'faultline', 'check', 'good.jsonl', '--checker', 'linearizable', '--json'], project, env);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ file: 'good.jsonl', valid: true, model: 'cas-register', ops: 4 });
    // The report's page script and stylesheet come prebuilt in dist/.
    const bad = await run('npx', ['--no-install', 'faultline', 'check', 'bad.jsonl', '--checker', 'linearizable', '--report', 'bad.html'], project, env);
    expect([bad.code, bad.stdout]).toEqual([1, expect.stringContaining('bad.jsonl: INVALID (linearizable against cas-register, 4 ops')]);
    const page = await readFile(join(project, 'bad.html'), 'utf8');
    expect(page).toContain('<title>INVALID · bad.jsonl · faultline</title>');
    expect(page).toContain(await readFile(join(project, 'node_modules/faultline/dist/report-client.js'), 'utf8'));
    const broken = await run('npx', ['--no-install', 'faultline', 'check', 'broken.jsonl'], project, env);
    expect([broken.code, broken.stderr]).toEqual([254, 'faultline: broken.jsonl:2: expected one JSON object per line, got "{\\"index\\": 1,"\n']);
    const unknownFlag = await run('npx', ['--no-install', 'faultline', 'nonsense'], project, env);
    expect(unknownFlag.code).toBe(254);
    const loaded = (await readFile(log, 'utf8')).split('\n');
    expect(loaded.filter((u) => u.includes('/node_modules/faultline/dist/cli.js')).length).toBeGreaterThan(0);
    expect(loaded.filter((u) => u.includes('/node_modules/tsx/') || u.endsWith('.ts'))).toEqual([]);
  });

  it('types: a TypeScript file using the package type-checks, and misuse does not', async () => {
    await writeFile(
      join(project, 'use.ts'),
      `import { check, type CheckResult, type Model } from 'faultline';
       import { limit, repeat, type Generator } from 'faultline/generators';
       const counter: Model<number> = { name: 'counter', fs: ['add'], init: () => 0, step: (n, op) => n + (op.value as number) };
       const r: CheckResult = await check([], { checker: 'linearizable', model: counter });
       const v: true | false | 'unknown' = r.valid;
       const g: Generator = limit(1, repeat({ f: 'read', value: null }));
       // @ts-expect-error a check needs a checker
       await check([], {});
       // @ts-expect-error an op's type is invoke, ok, fail or info
       await check([{ type: 'done', process: 0, f: 'read', value: null }], { checker: 'stats' });
       export { v, g };
      `,
    );
    // As in a Node project: @types/node is there (the checkout's copy stands in for the user's).
    const typeRoots = [join(repo, 'node_modules/@types')];
    const tsconfig = { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, typeRoots, types: ['node'] }, files: ['use.ts'] };
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', project], project);
    expect(tsc.stdout).toBe('');
    expect(tsc.code).toBe(0);
  });

  it('the example project (examples/own-store) with the package: its store is INVALID under partitions, valid replicating synchronously', async () => {
    // The example as a team would have it in its own repository, faultline installed from the tarball.
    const example = join(scratch, 'own-store');
    await cp(join(repo, 'examples/own-store'), example, { recursive: true, filter: (src) => !/[\\/](node_modules|store)$/.test(src) });
    await ok('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], example);
    const test = ['--no-install', 'faultline', 'run', '--test', './faultline-test.ts', '--seed', '3', '--json'];
    const unsafe = await run('npx', test, example);
    expect(unsafe.code, unsafe.stderr.slice(-2000)).toBe(1);
    expect(JSON.parse(unsafe.stdout).anomalyTypes).toEqual(expect.arrayContaining(['nonlinearizable', 'diverged']));
    const safe = await run('npx', test, example, { OWN_STORE_SYNC: '1' });
    expect(safe.code, safe.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(safe.stdout)).toMatchObject({ valid: true, test: 'own-store-sync', db: 'own-store' });
  });

  it('leaves no tarball or build output behind in the checkout', async () => {
    expect((await readdir(repo)).filter((f) => f.endsWith('.tgz'))).toEqual([]);
  });
});
