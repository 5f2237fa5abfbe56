import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Defined (true) by the package build, scripts/build.ts, which prebuilds the page's script and stylesheet into dist/. */
declare const FAULTLINE_BUNDLED: boolean | undefined;
/** Where the package build puts them, relative to the package root. */
export const PREBUILT_ASSETS = { script: 'dist/report-client.js', style: 'dist/report-client.css' } as const;

export interface PageAssets {
  script: string;
  style: string;
  /** CSP source for the script: only this exact script may run in the page. */
  scriptHash: string;
}

let assets: Promise<PageAssets> | undefined;

/**
 * The page's script (reports/client, bundled by esbuild) and stylesheet, once per process: built
 * from the sources in a checkout, read from dist/ when this code runs from the package build.
 * `</script` cannot occur in the bundle: esbuild escapes it in strings, and the check below makes
 * sure nothing else slipped through.
 */
export function pageAssets(): Promise<PageAssets> {
  assets ??= (async () => {
    const prebuilt = typeof FAULTLINE_BUNDLED !== 'undefined';
    const root = join(here, '..');
    const script = prebuilt ? await readFile(join(root, PREBUILT_ASSETS.script), 'utf8') : (await buildClientScript()).script;
    if (/<\/script|<!--/i.test(script)) throw new Error('the report script contains </script or <!--; it cannot be inlined');
    const style = await readFile(prebuilt ? join(root, PREBUILT_ASSETS.style) : join(here, 'client', 'report.css'), 'utf8');
    const scriptHash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
    return { script, style, scriptHash };
  })();
  return assets;
}

/** The page's script, bundled for the browser from reports/client/main.ts, and the files it was built from (absolute paths). */
export async function buildClientScript(): Promise<{ script: string; inputs: string[] }> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(here, 'client', 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  return { script: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs).map((f) => resolve(f)) };
}
