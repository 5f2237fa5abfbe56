// `node --import ./test/support/import-log.mjs …` appends the URL of every module the process
// loads to the file named by IMPORT_LOG (the lazy-loading test reads what `--help` pulled in).
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      if (process.env.IMPORT_LOG) appendFileSync(process.env.IMPORT_LOG, r.url + '\\n');
      return r;
    }`)}`,
);
