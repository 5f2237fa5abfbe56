import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACTS, floorViolations, readSources, relativeImports, type SourceFile } from './support/architecture.ts';

const root = join(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', '.git', 'store', 'test-artifacts', 'dist', 'docs-api']);

/** Every .ts/.js/.mjs file in a folder of the repository (root-level config files are not code). */
function sourcePaths(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (SKIP.has(e.name)) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(ts|js|mjs)$/.test(e.name) && dir !== root) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

describe('the floors', () => {
  const files = readSources(root, sourcePaths());

  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files.some((f) => f.path === 'harness/scheduler/driver.ts')).toBe(true);
  });

  it('no import goes up a floor or into another middle folder’s internals', () => {
    expect(floorViolations(files)).toEqual([]);
  });

  it('every listed contract module exists', () => {
    const paths = new Set(files.map((f) => f.path));
    expect(Object.values(CONTRACTS).flat().filter((p) => !paths.has(p))).toEqual([]);
  });
});

describe('the floor checker', () => {
  const file = (path: string, ...imports: string[]): SourceFile => ({ path, source: imports.map((i, n) => `import { x${n} } from '${i}';\n`).join('') });

  it('flags the ground importing a middle or top folder', () => {
    const v = floorViolations([file('harness/random.ts', '../docker/engine.ts', './errors.ts'), file('harness/scheduler/x.ts', '../../cli/main.ts')]);
    expect(v).toEqual([
      { file: 'harness/random.ts', imports: 'docker/engine.ts', why: 'the ground floor (harness/) imports the middle floor' },
      { file: 'harness/scheduler/x.ts', imports: 'cli/main.ts', why: 'the ground floor (harness/) imports the top floor' },
    ]);
  });

  it('flags a middle folder importing the top or another middle folder’s internals, not its contracts', () => {
    const v = floorViolations([
      file('workloads/register/register.ts', '../../docker/etcd/etcd-database.ts', '../../checkers/checker.ts', '../workload.ts', '../../harness/client.ts'),
      file('reports/x.ts', '../cli/run/run-test.ts'),
    ]);
    expect(v.map((x) => [x.file, x.imports])).toEqual([
      ['workloads/register/register.ts', 'docker/etcd/etcd-database.ts'],
      ['reports/x.ts', 'cli/run/run-test.ts'],
    ]);
    expect(v[0]!.why).toMatch(/^workloads\/ imports an internal module of docker\/ \(its contracts: docker\/databases.ts/);
    expect(v[1]!.why).toBe('a middle folder imports the top floor');
  });

  it('flags product code importing test helpers, and folders on no floor', () => {
    const v = floorViolations([file('cli/run/x.ts', '../../test/support/fake-cluster.ts'), file('tools/y.ts', '../harness/op.ts')]);
    expect(v.map((x) => x.why)).toEqual(['product code imports a test helper', 'tools/ is on no floor: add it to FLOORS']);
  });

  it('sees type-only, re-exported and dynamic imports, and lets tests import anything', () => {
    const source = ["import type { A } from '../cli/a.ts';", "export { B } from '../cli/b.ts';", "const c = await import('../cli/c.ts');"].join('\n');
    expect(relativeImports({ path: 'docker/x.ts', source })).toEqual(['cli/a.ts', 'cli/b.ts', 'cli/c.ts']);
    expect(floorViolations([{ path: 'docker/x.ts', source }])).toHaveLength(3);
    expect(floorViolations([{ path: 'docker/x.test.ts', source }, { path: 'test/support/y.ts', source }])).toEqual([]);
  });

  it('catches a violation planted in a real file', () => {
    const real = readSources(root, ['harness/random.ts', 'workloads/workload.ts']);
    expect(floorViolations(real)).toEqual([]);
    const planted = real.map((f) => (f.path === 'harness/random.ts' ? { ...f, source: `${f.source}\nimport { getChecker } from '../checkers/registry.ts';\n` } : f));
    expect(floorViolations(planted)).toEqual([{ file: 'harness/random.ts', imports: 'checkers/registry.ts', why: 'the ground floor (harness/) imports the middle floor' }]);
  });
});
