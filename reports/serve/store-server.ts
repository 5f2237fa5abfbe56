import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { extname, join, sep } from 'node:path';
import { EnvironmentError, InputError, errorText } from '../../harness/errors.ts';
import { readRun } from '../../harness/store/run-folder.ts';
import { runReportInput } from '../report-input.ts';
import { renderReport } from '../render-report.ts';
import { listRunFiles } from '../run-files.ts';
import { allowedHosts, hostAllowed } from './host-check.ts';
import { indexPage, listingPage, SERVER_PAGE_CSP } from './pages.ts';
import { ReportCache, type DrawnPage } from './report-cache.ts';
import { listRuns } from './run-index.ts';
import { resolveInStore } from './safe-path.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Anything that is not a page or JSON is shown as plain text: logs, histories, EDN. */
function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'text/plain; charset=utf-8';
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', csp = SERVER_PAGE_CSP): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** What a request handler needs to know about the store and the server. */
interface ServerContext {
  storeReal: string;
  storeLabel: string;
  hosts: ReadonlySet<string>;
  reports: ReportCache;
}

/** An error's text with paths inside the store shown from the store's root, not from `/`. */
export function storeRelative(text: string, storeReal: string): string {
  return text.split(storeReal + sep).join('').split(storeReal).join('.');
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!hostAllowed(req.headers.host, ctx.hosts)) {
    return send(res, 421, `faultline serve serves only requests addressed to ${[...ctx.hosts].map((h) => (h.includes(':') ? `[${h}]` : h)).join(', ')}; this one was addressed to ${JSON.stringify(req.headers.host)}\n`);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET and HEAD\n');
  const url = req.url ?? '/';
  const { storeReal } = ctx;
  if (url === '/' || url.startsWith('/?')) return send(res, 200, indexPage(ctx.storeLabel, await listRuns(storeReal)), TYPES['.html']);
  const target = await resolveInStore(storeReal, url);
  // A run whose report was never written: draw it now, without writing into the store.
  if (!target.ok && target.status === 404 && /\/report\.html$/.test(url.split('?')[0]!)) {
    const dir = await resolveInStore(storeReal, url.split('?')[0]!.replace(/report\.html$/, ''));
    if (dir.ok) {
      const page = await ctx.reports.get(dir.path);
      return send(res, page.status, page.body, page.status === 200 ? TYPES['.html'] : undefined, page.status === 200 ? DRAWN_REPORT_CSP : undefined);
    }
  }
  if (!target.ok) return send(res, target.status, `${target.reason}\n`);
  const info = await stat(target.path);
  if (info.isDirectory()) {
    if (!url.split('?')[0]!.endsWith('/')) {
      // Built from the checked segments, so the target is always a path on this server: the
      // request's own text (`//evil.com`) would be a link to another host.
      res.writeHead(301, { location: `/${target.segments.map(encodeURIComponent).join('/')}/` });
      return void res.end();
    }
    const entries = await readdir(target.path, { withFileTypes: true });
    const rows = await Promise.all(
      entries
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(async (e) => ({ path: e.name, dir: e.isDirectory(), bytes: e.isFile() ? (await stat(join(target.path, e.name))).size : 0 })),
    );
    return send(res, 200, listingPage(target.segments.join('/'), rows), TYPES['.html']);
  }
  if (!info.isFile()) return send(res, 403, 'refused: not a regular file\n');
  const type = contentType(target.path);
  // Reports carry their own CSP (only their hashed script may run); other files get none at all.
  const headers: Record<string, string | number> = { 'content-type': type, 'content-length': info.size, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
  if (type !== TYPES['.html']) headers['content-security-policy'] = "default-src 'none'; sandbox";
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return void res.end();
  createReadStream(target.path).pipe(res);
}

const DRAWN_REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

async function drawReport(storeReal: string, runDir: string): Promise<DrawnPage> {
  try {
    const run = runReportInput(await readRun(runDir));
    return { status: 200, body: await renderReport(run, await listRunFiles(runDir)) };
  } catch (err) {
    return { status: err instanceof InputError ? 422 : 500, body: `cannot draw this run's report: ${storeRelative(errorText(err, { name: false }), storeReal)}\n` };
  }
}

export interface StartedStoreServer {
  server: Server;
  url: string;
  /** Whether the server listens on loopback only. */
  loopback: boolean;
  /** How many reports were drawn on request so far (each run's once until its files change). */
  reportsDrawn(): number;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Starts the store browser. Fails with a clear message when the store or the port is unusable. */
export async function startStoreServer(opts: { store: string; host?: string; port?: number }): Promise<StartedStoreServer> {
  const host = opts.host ?? '127.0.0.1';
  const storeReal = await realpath(opts.store).catch(() => {
    throw new InputError(`no store at ${opts.store} (runs are stored there by \`faultline run\`; pass --store DIR)`);
  });
  if (!(await stat(storeReal)).isDirectory()) throw new InputError(`${opts.store} is not a folder`);
  const ctx: ServerContext = { storeReal, storeLabel: opts.store, hosts: allowedHosts(host), reports: new ReportCache((dir) => drawReport(storeReal, dir)) };
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, `faultline serve: ${storeRelative(errorText(err, { name: false }), storeReal)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new InputError(`port ${opts.port} on ${host} is already in use; pass --port`)
          : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
            ? new InputError(`cannot listen on ${host}: no such local address`)
            : new EnvironmentError(`cannot listen on ${host}:${opts.port}: ${err.message}`),
      ),
    );
    server.listen(opts.port ?? 8080, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shownHost}:${port}/`,
    loopback: isLoopback(host),
    reportsDrawn: () => ctx.reports.draws,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
