import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { testDir } from '../test/support/test-dir.ts';
import { entryPoints, sourceLocation } from './build.ts';
import { distState, STAMP } from './dist-state.mjs';

const scratch = testDir('faultline-build-');

describe('the package build', () => {
  it('builds one entry per export, from the source its types path names, and the CLI', () => {
    const manifest = {
      exports: {
        '.': { types: './dist/types/api/index.d.ts', default: './dist/index.js' },
        './checkers': { types: './dist/types/api/checkers.d.ts', default: './dist/checkers.js' },
        './package.json': './package.json',
      },
    };
    expect(entryPoints(manifest)).toEqual({ cli: 'cli/entry.ts', index: 'api/index.ts', checkers: 'api/checkers.ts' });
    expect(() => entryPoints({ exports: { './x': { types: './x.d.ts', default: './dist/x.js' } } })).toThrow(/expected \.\/dist\/NAME\.js and \.\/dist\/types\/PATH\.d\.ts/);
  });

  it('gives bundled code the import.meta of its source in the package, wherever the package is installed', async () => {
    const pkg = join(scratch, 'pkg');
    mkdirSync(join(pkg, 'docker', 'db'), { recursive: true });
    writeFileSync(
      join(pkg, 'docker', 'db', 'where.ts'),
      "export const where: Record<string, string> = { url: import.meta.url, dir: import.meta.dirname, file: import.meta.filename, text: 'import.meta.url, as text' };\n",
    );
    writeFileSync(join(pkg, 'entry.ts'), "import { where } from './docker/db/where.ts';\nconsole.log(JSON.stringify({ ...where, self: import.meta.url }));\n");
    await build({ absWorkingDir: pkg, entryPoints: { entry: 'entry.ts' }, outdir: join(pkg, 'dist'), bundle: true, format: 'esm', platform: 'node', logLevel: 'silent', plugins: [sourceLocation(pkg)] });
    const installed = join(scratch, 'node_modules', 'pkg');
    cpSync(join(pkg, 'dist'), join(installed, 'dist'), { recursive: true });
    const where = JSON.parse(execFileSync(process.execPath, [join(installed, 'dist', 'entry.js')], { encoding: 'utf8' }));
    const file = join(installed, 'docker', 'db', 'where.ts');
    expect(where).toEqual({ url: pathToFileURL(file).href, dir: join(installed, 'docker', 'db'), file, text: 'import.meta.url, as text', self: pathToFileURL(join(installed, 'entry.ts')).href });
  });

  it('dist/ is fresh until a file the build read changes or goes', () => {
    const root = join(scratch, 'checkout');
    mkdirSync(join(root, 'dist'), { recursive: true });
    expect(distState(root)).toBe('missing');
    writeFileSync(join(root, 'a.ts'), '');
    const startedAt = Date.now();
    utimesSync(join(root, 'a.ts'), new Date(startedAt - 5000), new Date(startedAt - 5000));
    writeFileSync(join(root, STAMP), JSON.stringify({ startedAt, inputs: ['a.ts'] }));
    expect(distState(root)).toBe('fresh');
    utimesSync(join(root, 'a.ts'), new Date(startedAt + 5000), new Date(startedAt + 5000));
    expect(distState(root)).toBe('stale');
    rmSync(join(root, 'a.ts'));
    expect(distState(root)).toBe('stale');
  });
});
