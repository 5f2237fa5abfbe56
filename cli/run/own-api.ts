import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Entry points a test file may import, by specifier, as files of the api/ folder (without extension). */
const ENTRY_POINTS: Readonly<Record<string, string>> = {
  faultline: 'index',
  'faultline/docker': 'docker',
  'faultline/checkers': 'checkers',
  'faultline/generators': 'generators',
};

let registered: Promise<void> | undefined;

/**
 * Makes `import … from 'faultline'` in a test file resolve to the faultline that runs it (as
 * vitest does for `vitest`), whatever copy the file's own project has or lacks: one set of
 * classes, so the run recognises the file's databases, workloads and errors as its own. Once
 * per process.
 */
export function ownApiImports(): Promise<void> {
  registered ??= (async () => {
    // Sources run as .ts (through tsx), the built package as .js: the api/ files are beside this one's kind.
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const map: Record<string, string> = {};
    for (const [specifier, name] of Object.entries(ENTRY_POINTS)) {
      const url = new URL(`../../api/${name}${ext}`, import.meta.url);
      if (existsSync(fileURLToPath(url))) map[specifier] = url.href;
    }
    // Until api/index exists, `faultline` is the define helpers.
    map.faultline ??= new URL(`../../api/define${ext}`, import.meta.url).href;
    register(new URL('./own-api-hooks.mjs', import.meta.url), { data: { map } });
  })();
  return registered;
}
