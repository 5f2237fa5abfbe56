import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDir } from '../../test/support/test-dir.ts';
import { fakeDatabase, fakeEnvironment } from '../../test/support/fake-cluster.ts';
import { loadTestFile } from './test-file.ts';

// Test files as a user writes them, loaded as `faultline run --test` loads them: TypeScript
// through tsx, `faultline` imports resolved to this faultline.

const dir = testDir('faultline-test-files-');
beforeAll(async () => {
  // As in a user's ES module project (the example's package.json says the same).
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
});

const env = fakeEnvironment({ memory: () => fakeDatabase('memory') });

async function file(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, source);
  return path;
}

/** The error a file's load fails with, as the CLI prints it. */
async function loadError(path: string): Promise<string> {
  try {
    await loadTestFile(path, env);
  } catch (err) {
    expect((err as Error).name).toBe('InputError');
    return (err as Error).message;
  }
  throw new Error(`${path} loaded`);
}

const kvDatabase = `containerDatabase({
  name: 'kv',
  image: { context: new URL('./kv/', import.meta.url) },
  start: ['kv', '--me', '{{node}}'],
  port: 7000,
  clients: { register: defineClient({ name: 'kv client', open: () => ({}), invoke: async () => ({ type: 'ok', value: null }) }) },
})`;

describe('a test file', () => {
  it('loads from TypeScript with types, its faultline imports resolved to this faultline', async () => {
    const path = await file('good.ts', `
      import { defineClient, defineTest, type TestDefinition } from 'faultline';
      import { containerDatabase } from 'faultline/docker';
      const settings: Partial<TestDefinition> = { nodes: 3, timeLimit: 5 };
      export default defineTest({ database: ${kvDatabase}, workload: 'register', nemesis: ['partition'], ...settings });
    `);
    const loaded = await loadTestFile(path, env);
    expect(loaded.database.name).toBe('kv');
    expect(loaded.workload.name).toBe('register');
    expect(loaded.definition).toMatchObject({ nodes: 3, timeLimit: 5, nemesis: ['partition'] });
    expect(loaded.database.create().image).toEqual({ name: 'kv', context: join(dir, 'kv') });
  });

  it('loads from plain JavaScript, with a built-in database by name', async () => {
    const path = await file('plain.mjs', `export default { database: 'memory', workload: 'register', concurrency: 2 };`);
    const loaded = await loadTestFile(path, env);
    expect([loaded.database.name, loaded.workload.name, loaded.definition.concurrency]).toEqual(['memory', 'register', 2]);
  });

  it('without a default export is refused, saying what a test file exports', async () => {
    const path = await file('no-default.ts', `export const test = { database: 'memory', workload: 'register' };`);
    expect(await loadError(path)).toBe(`${path}: no default export: a test file ends with export default defineTest({ database, workload, … })`);
  });

  it('whose database has no start command is refused at load, naming the field', async () => {
    const path = await file('no-start.ts', `
      import { defineTest } from 'faultline';
      import { containerDatabase } from 'faultline/docker';
      export default defineTest({ database: containerDatabase({ name: 'kv', image: { ref: 'kv:1' }, port: 7000 } as never), workload: 'register' });
    `);
    expect(await loadError(path)).toBe(`${path}: database "kv": start is missing: the command each node runs, e.g. 'my-server --name {{node}} --listen {{ip}}:{{port}} --peers {{peers}}'`);
  });

  it('names every wrong field at once', async () => {
    const path = await file('fields.mjs', `export default { database: 'nosuch', workload: { name: 'w' }, timeLimit: -1, nemesis: 3, colour: 'red' };`);
    expect(await loadError(path)).toBe(
      `${path}: unknown field "colour" (known: name, database, workload, nemesis, isolation, consistencyModel, options, nodes, concurrency, rate, timeLimit, nemesisInterval, recovery, seed); ` +
        'timeLimit must be a number > 0 (seconds) (got -1); ' +
        "nemesis must be fault names: ['partition', 'kill'] or 'partition,kill'; " +
        'database: unknown database "nosuch"; expected one of memory; ' +
        'workload: description must be a string (one line for --help); workload: generator must be a function; workload: checkers must be a function',
    );
  });

  it('that does not load says why, with the file', async () => {
    const path = await file('broken.ts', `export default defineTest({ database: 'memory' ;`);
    expect(await loadError(path)).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: could not load it: .*(Expected|Transform failed)`));
    expect(await loadError(join(dir, 'missing.ts'))).toBe(`${join(dir, 'missing.ts')}: no such file`);
    expect(await loadError(await file('notes.txt', 'hi'))).toBe(`${join(dir, 'notes.txt')}: a test file is a .ts, .mts, .js or .mjs module`);
  });

  it('loads as CommonJS too (a .cts file, or a .ts one outside an ES module package)', async () => {
    const path = await file('cjs/test.cts', `import { defineTest } from 'faultline';\nexport default defineTest({ database: 'memory', workload: 'register', nodes: 2 });\n`);
    const loaded = await loadTestFile(path, env);
    expect([loaded.database.name, loaded.definition.nodes]).toEqual(['memory', 2]);
  });
});
