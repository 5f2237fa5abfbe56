import { verdictWord, type CheckResult } from '../../harness/result.ts';
import { allCards, cardsOf, countByType, foundTypeLabels, typeLabel } from '../anomaly-cards.ts';
import { html, type SafeHtml } from '../escape.ts';
import { formatCount, formatMs, plural } from '../format.ts';
import type { StoredResults } from '../../harness/store/run-result.ts';

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Consistency models ruled out by any checker, in the order first named. */
export function ruledOutModels(results: StoredResults | undefined): string[] {
  const models = new Set<string>();
  for (const r of Object.values(results?.checkers ?? {})) for (const m of r.notModels ?? []) models.add(m);
  return [...models];
}

/** The verdict in one or two sentences: what was found, by whom, and what could not be decided. */
export function verdictSentence(results: StoredResults | undefined): string {
  if (!results) return 'Not checked: this run has no results.json (it stopped before checking), so nothing is known about its correctness.';
  const checkers = Object.values(results.checkers);
  if (checkers.length === 0) return 'Unknown: no checker ran, and nothing checked is not a pass.';
  const found = Object.entries(results.checkers)
    .filter(([, c]) => c.valid === false)
    .map(([name, c]) => {
      const types = foundTypeLabels(name, c);
      return `${c.checker} found ${list(types.length > 0 ? types : ['a problem'])}`;
    });
  const undecided = checkers.filter((c) => c.valid === 'unknown').map((c) => `${c.checker} could not decide${c.error ? ` (${c.error})` : ''}`);
  const passed = checkers.filter((c) => c.valid === true).map((c) => c.checker);
  const parts: string[] = [];
  if (results.valid === false) parts.push(`Invalid: ${list(found)}.`);
  else if (results.valid === 'unknown') parts.push('Unknown: no checker found an anomaly, but not every checker could decide, and unknown is not a pass.');
  else parts.push(`Valid: ${passed.length === 1 ? `the ${passed[0]} checker` : `all ${passed.length} checkers (${list(passed)})`} found no anomaly in this history.`);
  if (undecided.length > 0) parts.push(`${list(undecided)}.`);
  // A vacuous pass is the reference tools' verdict, but the gate never counts it as a pass: say so.
  const vacuous = checkers.filter((c) => c.valid === true && c.vacuous === true).map((c) => `${c.checker} had nothing to check${c.vacuousReason ? ` (${c.vacuousReason.replace(/\.$/, '')})` : ''}`);
  if (vacuous.length > 0) parts.push(`${list(vacuous)}; a gate (run, torture, --junit) counts that as unknown, not a pass.`);
  if (results.valid === false && passed.length > 0) parts.push(`${list(passed)} found nothing wrong.`);
  return parts.join(' ');
}

/** What a checker said beside its verdict: its error, why it had nothing to check, options it ignored. */
function checkerNote(r: CheckResult): string {
  return [r.error, r.vacuous ? `nothing to check: ${r.vacuousReason ?? 'the history has no operation this checker reads'}` : undefined, ...(r.warnings ?? [])]
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .join('; ');
}

function checkerRow([name, r]: [string, CheckResult]): SafeHtml {
  const counts = countByType(cardsOf(name, r));
  const word = verdictWord(r.valid);
  return html`<tr><td><b>${r.checker}</b></td><td><span class="badge badge-${word.replace(' ', '-')}">${word}</span></td><td>${
    counts.length === 0 ? '—' : counts.map((t, i) => html`${i > 0 ? ', ' : ''}<a href="#anomaly-${t.type}">${typeLabel(t, 'inline')}</a>${t.count > 1 ? ` ×${formatCount(t.count)}` : ''}`)
  }</td><td>${r.notModels?.length ? r.notModels.join(', ') : '—'}</td><td class="num">${r.stats?.checkMs === undefined ? '—' : formatMs(r.stats.checkMs)}</td><td class="note">${checkerNote(r)}</td></tr>`;
}

/**
 * The top of the report: the verdict in words, each checker's say, and how to replay. `seeded`:
 * the replay line carries a run's seed (a `check` of a history file has none to replay).
 */
export function verdictSection(results: StoredResults | undefined, replay: string | undefined, seeded: boolean): SafeHtml {
  const word = verdictWord(results?.valid);
  const models = ruledOutModels(results);
  const checkers = Object.values(results?.checkers ?? {});
  return html`<section id="verdict" class="verdict verdict-${word.replace(' ', '-')}">
<div class="verdict-head"><span class="verdict-word">${word.toUpperCase()}</span><p class="verdict-sentence">${verdictSentence(results)}</p></div>
${typeof results?.error === 'string' ? html`<p class="run-error">The run could not finish: ${results.error}</p>` : ''}
${results?.interrupted === true ? html`<p class="run-error">The run was interrupted before its time limit, so it checked only a prefix of the planned workload.</p>` : ''}
${models.length > 0 ? html`<p class="ruled-out">Ruled out: this history is not <b>${list(models)}</b>${models.length > 1 ? ' — each of these models forbids at least one anomaly found' : ', which forbids an anomaly found'}.</p>` : ''}
${checkers.length > 0 ? html`<table class="checkers"><thead><tr><th>checker</th><th>verdict</th><th>anomalies</th><th>rules out</th><th>time</th><th>note</th></tr></thead><tbody>${Object.entries(results?.checkers ?? {}).map(checkerRow)}</tbody></table>` : ''}
${replay ? html`<div class="replay"><span class="replay-label">Replay</span><code id="replay-command">${replay}</code><button type="button" class="copy" data-copy="replay-command">copy</button></div>${seeded ? html`<p class="hint">The seed replays the schedule of operations and faults, not the database’s own interleavings.</p>` : ''}` : ''}
${results && results.valid === false ? html`<p class="hint">${plural(allCards(results).length, 'anomaly', 'anomalies')} below, each with what it means and a picture of why.</p>` : ''}
</section>`;
}
