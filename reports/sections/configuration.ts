import type { TestSpec } from '../../harness/test-spec.ts';
import { html, type SafeHtml } from '../escape.ts';
import { compactJson } from '../format.ts';
import { fileHref, formatBytes, type RunFile } from '../run-files.ts';

const FIELDS: [keyof TestSpec, string][] = [
  ['name', 'test'],
  ['db', 'database'],
  ['workload', 'workload'],
  ['nodes', 'nodes'],
  ['concurrency', 'concurrency'],
  ['rate', 'rate (ops/s)'],
  ['timeLimit', 'time limit (s)'],
  ['nemesis', 'faults'],
  ['nemesisVariants', 'fault variants'],
  ['nemesisInterval', 'fault interval (s)'],
  ['recovery', 'recovery (s)'],
  ['isolation', 'isolation'],
  ['seed', 'seed'],
];

function show(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join(', ');
  return typeof v === 'string' ? v : compactJson(v);
}

/** The test as configured, the versions it ran, and links to every file of the run. */
export function configurationSection(test: TestSpec | undefined, files: readonly RunFile[] | undefined, source: string | undefined): SafeHtml {
  const options = Object.entries(test?.options ?? {});
  const versions = Object.entries(test?.versions ?? {});
  const logs = (files ?? []).filter((f) => f.path.startsWith('nodes/') || f.path.endsWith('.log'));
  const other = (files ?? []).filter((f) => !logs.includes(f));
  const fileList = (list: readonly RunFile[]) => html`<ul class="files">${list.map((f) => html`<li><a href="${fileHref(f.path)}">${f.path}</a> <span class="muted">${formatBytes(f.bytes)}</span></li>`)}</ul>`;
  return html`<section id="configuration"><h2>Configuration</h2>
<div class="config-grid">
${test ? html`<table class="kv"><tbody>${FIELDS.filter(([k]) => test[k] !== undefined).map(([k, label]) => html`<tr><th>${label}</th><td>${show(test[k])}</td></tr>`)}
${options.map(([k, v]) => html`<tr><th>${k}</th><td>${show(v)}</td></tr>`)}</tbody></table>` : html`<p>${source ? html`Checked from <code>${source}</code>; ` : ''}no test.json, so the configuration is unknown.</p>`}
${versions.length > 0 ? html`<table class="kv"><thead><tr><th colspan="2">versions</th></tr></thead><tbody>${versions.map(([k, v]) => html`<tr><th>${k}</th><td>${String(v)}</td></tr>`)}</tbody></table>` : ''}
${files ? html`<div><h3>Files of this run</h3>${fileList(other)}${logs.length > 0 ? html`<h3>Logs</h3>${fileList(logs)}` : ''}</div>` : ''}
</div></section>`;
}
