import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What `npm pack` puts in the package, without building it: every file the code reads at run
// time beside its module (Dockerfiles, scripts, C sources; found by import.meta.url, which the
// build keeps pointing at the source's place) must be in it, and no TypeScript source.
const repo = join(import.meta.dirname, '..');
const PRODUCT = ['api', 'harness', 'checkers', 'workloads', 'nemesis', 'docker', 'ssh', 'reports', 'cli'];
// Not read at run time: the tools' own tests, and the report client (prebuilt into dist/).
const NOT_SHIPPED = [/^docker\/tools\/[^/]+\/(test|testdata)\//, /\/\.gitignore$/, /^reports\/client\//];

describe('the package files', () => {
  it('hold every non-TypeScript file beside the product code, and no TypeScript', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[];
    const files = new Set(packed[0]!.files.map((f) => f.path));
    const tracked = execFileSync('git', ['ls-files', ...PRODUCT], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
    const assets = tracked.filter((f) => !f.endsWith('.ts') && !NOT_SHIPPED.some((re) => re.test(f)));
    expect(assets.length).toBeGreaterThan(20);
    expect(assets.filter((f) => !files.has(f))).toEqual([]);
    expect([...files].filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.has('bin/faultline.js')).toBe(true);
  });
});
