import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';

/** Defined by scripts/build.ts in the bundled package; absent when the sources run through tsx. */
declare const FAULTLINE_BUNDLED: boolean | undefined;

/**
 * Resolve hooks (node:module register), as a data: URL so the package ships no extra file: the
 * specifiers in `map` resolve to the given URLs, everything else as before.
 */
const HOOKS = `let map = {};
export function initialize(data) { map = data.map; }
export function resolve(specifier, context, next) {
  return Object.hasOwn(map, specifier) ? { url: map[specifier], shortCircuit: true } : next(specifier, context);
}`;

interface ExportTarget {
  types: string;
  default: string;
}

/**
 * `faultline` and each `faultline/NAME` the package exports, as this running faultline's own
 * files: the bundled ones (dist/NAME.js) when it runs bundled, else the sources (api/NAME.ts).
 */
export function entryPointUrls(root: URL, bundled: boolean): Record<string, string> {
  const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports?: Record<string, string | ExportTarget> };
  const map: Record<string, string> = {};
  for (const [key, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target === 'string') continue; // ./package.json
    const specifier = key === '.' ? 'faultline' : `faultline/${key.slice(2)}`;
    const source = /^\.\/dist\/types\/(.+)\.d\.ts$/.exec(target.types)?.[1];
    const url = bundled || source === undefined ? new URL(target.default, root) : new URL(`${source}.ts`, root);
    if (existsSync(url)) map[specifier] = url.href;
  }
  return map;
}

let registered: Promise<void> | undefined;

/**
 * Makes `import … from 'faultline'` in a test file resolve to the faultline that runs it (as
 * vitest does for `vitest`), whatever copy the file's own project has or lacks: one set of
 * classes, so the run recognises the file's databases, workloads and errors as its own. Once
 * per process.
 */
export function ownApiImports(): Promise<void> {
  registered ??= (async () => {
    // This module's URL is its source's place in the package, bundled or not (scripts/build.ts).
    const root = new URL('../../', import.meta.url);
    const map = entryPointUrls(root, typeof FAULTLINE_BUNDLED !== 'undefined');
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { map } });
  })();
  return registered;
}
