import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testDir } from '../../test/support/test-dir.ts';
import { entryPointUrls } from './own-api.ts';

// What a test file's `import … from 'faultline/…'` resolves to: the running faultline's own
// modules, as package.json exports them.
const root = testDir('faultline-own-api-');
const exports = {
  '.': { types: './dist/types/api/index.d.ts', default: './dist/index.js' },
  './docker': { types: './dist/types/api/docker.d.ts', default: './dist/docker.js' },
  './later': { types: './dist/types/api/later.d.ts', default: './dist/later.js' },
  './package.json': './package.json',
};
writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'faultline', exports }));
for (const f of ['api/index.ts', 'api/docker.ts', 'dist/index.js', 'dist/docker.js']) {
  mkdirSync(join(root, f, '..'), { recursive: true });
  writeFileSync(join(root, f), '');
}
const url = (f: string) => pathToFileURL(join(root, f)).href;
const base = pathToFileURL(`${root}/`);

describe('entry points for a test file', () => {
  it('from the sources, the api/ modules; bundled, the dist/ files; what neither has is left to Node', () => {
    expect(entryPointUrls(base, false)).toEqual({ faultline: url('api/index.ts'), 'faultline/docker': url('api/docker.ts') });
    expect(entryPointUrls(base, true)).toEqual({ faultline: url('dist/index.js'), 'faultline/docker': url('dist/docker.js') });
  });

  it('in this checkout, faultline and faultline/docker are its own api/ modules', () => {
    const map = entryPointUrls(new URL('../../', import.meta.url), false);
    expect(map.faultline).toBe(new URL('../../api/index.ts', import.meta.url).href);
    expect(map['faultline/docker']).toBe(new URL('../../api/docker.ts', import.meta.url).href);
  });
});
