import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

export interface PageAssets {
  script: string;
  style: string;
  /** CSP source for the script: only this exact script may run in the page. */
  scriptHash: string;
}

let assets: Promise<PageAssets> | undefined;

/**
 * The page's script (reports/client, bundled by esbuild) and stylesheet, built once per process.
 * `</script` cannot occur in the bundle: esbuild escapes it in strings, and the check below makes
 * sure nothing else slipped through.
 */
export function pageAssets(): Promise<PageAssets> {
  assets ??= (async () => {
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
    });
    const script = result.outputFiles[0]!.text;
    if (/<\/script|<!--/i.test(script)) throw new Error('the report script contains </script or <!--; it cannot be inlined');
    const style = await readFile(join(here, 'client', 'report.css'), 'utf8');
    const scriptHash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
    return { script, style, scriptHash };
  })();
  return assets;
}
