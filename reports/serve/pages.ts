import { html, trusted, type SafeHtml } from '../escape.ts';
import { fileHref, formatBytes, type RunFile } from '../run-files.ts';
import { verdictWord } from '../../harness/result.ts';
import type { RunSummary } from './run-index.ts';

const STYLE = `body{font:14px/1.5 system-ui,"DejaVu Sans",sans-serif;margin:0;color:#1d2330}
header{padding:16px 32px;background:#f6f7f9;border-bottom:1px solid #e3e6ea}h1{margin:0;font-size:22px}
main{padding:16px 32px}table{border-collapse:collapse}th,td{text-align:left;padding:6px 16px 6px 0;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{font-size:13px;color:#3b4252}a{color:#1f5fa8;text-decoration:none}a:hover{text-decoration:underline}
.badge{display:inline-block;padding:0 9px;border-radius:10px;font-size:12px;font-weight:700;color:#fff;background:#6b7280}
.badge-valid{background:#2e8b57}.badge-invalid{background:#d64541}.badge-unknown,.badge-not-checked{background:#e0a100;color:#3a2c00}
.muted{color:#6b7280}.num{text-align:right;font-variant-numeric:tabular-nums}code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}`;

/** Pages the server itself writes carry no script at all. */
export const SERVER_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function page(title: string, body: SafeHtml): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"><style>${trusted(STYLE)}</style></head><body>${body}</body></html>`.value;
}

function when(timestamp: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(timestamp);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : timestamp;
}

function duration(s: number | undefined): string {
  if (s === undefined) return '—';
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

/** A link to a folder in the store, each segment encoded. */
function dirHref(path: string): string {
  return `/${fileHref(path)}/`;
}

/** The store's front page: one row per run, newest first. */
export function indexPage(store: string, runs: readonly RunSummary[], max = 1000): string {
  const shown = runs.slice(0, max);
  return page(
    'faultline runs',
    html`<header><h1>faultline runs</h1><div class="muted">${runs.length} run${runs.length === 1 ? '' : 's'} in <code>${store}</code></div></header><main>
${runs.length === 0 ? html`<p>No runs yet. <code>faultline run</code> stores each run here.</p>` : html`<table class="runs"><thead><tr><th>test</th><th>time</th><th>verdict</th><th class="num">duration</th><th>anomalies</th><th class="num">seed</th><th></th></tr></thead><tbody>
${shown.map((r) => {
      const word = verdictWord(r.valid);
      return html`<tr class="run"><td><b>${r.test}</b></td><td>${when(r.timestamp)}</td><td><span class="badge badge-${word.replace(' ', '-')}">${word}</span></td><td class="num">${duration(r.durationS)}</td><td>${r.anomalyTypes.length ? r.anomalyTypes.join(', ') : html`<span class="muted">none</span>`}</td><td class="num">${r.seed === undefined ? '—' : String(r.seed)}</td><td><a href="${dirHref(r.path)}report.html">report</a>${r.hasReport ? '' : html` <span class="muted">(drawn on request)</span>`} · <a href="${dirHref(r.path)}">files</a></td></tr>`;
    })}</tbody></table>${runs.length > shown.length ? html`<p class="muted">Showing the newest ${shown.length}.</p>` : ''}`}
</main>`,
  );
}

/** A folder's contents, with a link up. */
export function listingPage(path: string, entries: readonly (RunFile & { dir: boolean })[]): string {
  const up = path.split('/').slice(0, -1).join('/');
  return page(
    `${path} · faultline`,
    html`<header><h1>${path}</h1><div><a href="${up === '' ? '/' : dirHref(up)}">↑ up</a> · <a href="/">all runs</a></div></header><main><table><tbody>
${entries.map((e) => html`<tr><td><a href="${dirHref(path)}${fileHref(e.path)}${e.dir ? '/' : ''}">${e.path}${e.dir ? '/' : ''}</a></td><td class="num muted">${e.dir ? '' : formatBytes(e.bytes)}</td></tr>`)}
</tbody></table></main>`,
  );
}
