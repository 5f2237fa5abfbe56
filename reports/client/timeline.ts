/// <reference lib="dom" />
import { scaleLinear } from 'd3-scale';
import { faultColor, OUTCOME_COLORS } from '../charts/palette.ts';
import type { Row, RowStore } from './decode.ts';

/** A fault window in µs, as the page's data carries it. */
export interface PageWindow {
  fault: string;
  start: number;
  end: number;
}

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 1000;
const LEFT = 92;
const RIGHT = 10;
const TOP = 20;
const LANE = 22;
const BAR = 15;
const OUTCOME_NAMES = ['ok', 'fail', 'info', 'never completed'] as const;
const OUTCOME_FILL = [OUTCOME_COLORS.ok, OUTCOME_COLORS.fail, OUTCOME_COLORS.info, OUTCOME_COLORS.pending];

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** What the timeline's µs are: time, or (a history without times) positions in the history. */
export type TimelineAxis = 'time' | 'position';

function seconds(us: number, digits: number): string {
  return `${(us / 1e6).toFixed(digits)} s`;
}

function ms(us: number): string {
  const v = us / 1000;
  return v < 1 ? `${v.toFixed(2)} ms` : v < 1000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(2)} s`;
}

/** A point on the axis: `1.250 s`, or `#17` by position. */
function at(axis: TimelineAxis, us: number, digits: number): string {
  return axis === 'time' ? seconds(us, digits) : `#${Math.round(us)}`;
}

function describe(r: Row, axis: TimelineAxis): string {
  const outcome = r.duration < 0 ? 'never completed' : axis === 'time' ? `${OUTCOME_NAMES[r.outcome]} after ${ms(r.duration)}` : `${OUTCOME_NAMES[r.outcome]} ${r.duration} entr${r.duration === 1 ? 'y' : 'ies'} later`;
  const lines = [
    `${r.process === -1 ? 'nemesis' : `process ${r.process}`} · op #${r.invokeIndex}${r.completionIndex >= 0 ? ` → #${r.completionIndex}` : ''}`,
    r.text,
    `${axis === 'time' ? `invoked at ${seconds(r.start, 6)}` : 'no times in the history'} · ${outcome}${r.node === undefined ? '' : ` · node ${r.node}`}`,
  ];
  if (r.error !== undefined) lines.push(`error: ${r.error}`);
  return lines.join('\n');
}

/**
 * The paged timeline: a lane per process, each op a bar from invocation to completion coloured
 * by outcome, fault windows shaded. Only one page of bars exists in the DOM at a time.
 */
export class Timeline {
  private page = 0;
  private pageSize = 100;
  private highlighted = new Set<number>();
  /** Pages are drawn in request order; a slow chunk must not overwrite a later request. */
  private drawn = 0;
  private readonly canvas: HTMLElement;
  private readonly position: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly rows: RowStore,
    private readonly windows: readonly PageWindow[],
    private readonly axis: TimelineAxis = 'time',
  ) {
    root.replaceChildren();
    const controls = document.createElement('div');
    controls.className = 'tl-controls';
    const button = (label: string, title: string, go: () => number) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.title = title;
      b.addEventListener('click', () => void this.show(go()));
      return b;
    };
    this.position = document.createElement('span');
    this.position.className = 'tl-pos';
    const size = document.createElement('select');
    for (const n of [100, 200, 500, 1000]) size.append(new Option(`${n} ops per page`, String(n), n === this.pageSize, n === this.pageSize));
    size.addEventListener('change', () => {
      const first = this.page * this.pageSize;
      this.pageSize = Number(size.value);
      void this.show(Math.floor(first / this.pageSize));
    });
    controls.append(
      button('« first', 'first page', () => 0),
      button('◀ earlier', 'previous page (←)', () => this.page - 1),
      this.position,
      button('later ▶', 'next page (→)', () => this.page + 1),
      button('last »', 'last page', () => this.pages() - 1),
      size,
      this.input('go to op #', 'history index', (v) => void this.showOps([Math.round(v)])),
      axis === 'time' ? this.input('go to time (s)', 'seconds since the test started', (v) => void this.showTime(v * 1e6)) : '',
    );
    this.canvas = document.createElement('div');
    this.canvas.className = 'tl-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowRight') void this.show(this.page + 1);
      if (ev.key === 'ArrowLeft') void this.show(this.page - 1);
    });
    root.append(controls, this.canvas);
  }

  private input(label: string, title: string, go: (value: number) => void): HTMLElement {
    const wrap = document.createElement('label');
    wrap.className = 'tl-go';
    const field = document.createElement('input');
    field.type = 'number';
    field.step = 'any';
    field.title = title;
    field.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && field.value !== '' && Number.isFinite(Number(field.value))) go(Number(field.value));
    });
    wrap.append(`${label} `, field);
    return wrap;
  }

  pages(): number {
    return Math.max(1, Math.ceil(this.rows.n / this.pageSize));
  }

  /** Jumps to the page holding these ops (history indices) and outlines them. */
  async showOps(historyIndices: readonly number[]): Promise<void> {
    const rows = (await Promise.all(historyIndices.map((h) => this.rows.rowOf(h)))).filter((r) => r >= 0);
    this.highlighted = new Set(rows);
    if (rows.length > 0) await this.show(Math.floor(Math.min(...rows) / this.pageSize));
    this.root.scrollIntoView({ block: 'start' });
  }

  async showTime(us: number): Promise<void> {
    await this.show(Math.floor((await this.rows.rowAt(us)) / this.pageSize));
  }

  async show(page: number): Promise<void> {
    const ticket = ++this.drawn;
    const target = Math.max(0, Math.min(this.pages() - 1, page));
    const from = target * this.pageSize;
    const rows = await this.rows.slice(from, Math.min(this.rows.n, from + this.pageSize));
    if (ticket !== this.drawn) return;
    this.page = target;
    this.draw(rows);
  }

  private draw(rows: readonly Row[]): void {
    if (rows.length === 0) {
      this.position.textContent = 'no operations';
      this.canvas.replaceChildren();
      return;
    }
    const t0 = rows[0]!.start;
    // End at the 90th percentile of completions: one long timeout must not squash the page.
    const ends = rows.filter((r) => r.duration >= 0).map((r) => r.start + r.duration);
    ends.sort((a, b) => a - b);
    // At least 1 ms wide by time; by position, at least the page's own positions.
    const t1 = Math.max(rows[rows.length - 1]!.start, ends[Math.floor(ends.length * 0.9)] ?? 0, t0 + (this.axis === 'time' ? 1000 : 1));
    const lanes = [...new Set(rows.map((r) => r.process))].sort((a, b) => a - b);
    const lane = new Map(lanes.map((p, k) => [p, k]));
    const height = TOP + lanes.length * LANE + 26;
    const x = scaleLinear().domain([t0, t1]).range([LEFT, WIDTH - RIGHT]).clamp(true);
    const svg = el('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'timeline', role: 'img', 'aria-label': 'operations per process over time' });
    for (const w of this.windows) {
      if (w.end < t0 || w.start > t1) continue;
      const xa = x(w.start);
      const g = el('g', { class: 'fault', 'data-tip': `${w.fault} from ${seconds(w.start, 3)} to ${seconds(w.end, 3)}` });
      g.append(
        el('rect', { x: xa, y: TOP - 14, width: Math.max(1, x(w.end) - xa), height: height - TOP - 12, fill: faultColor(w.fault), 'fill-opacity': 0.13 }),
        el('text', { x: xa + 3, y: TOP - 4, class: 'fault-label', fill: faultColor(w.fault) }, w.fault),
      );
      svg.append(g);
    }
    const digits = Math.max(0, Math.min(6, 2 - Math.floor(Math.log10((t1 - t0) / 1e6))));
    for (const tick of x.ticks(8).filter((t) => this.axis === 'time' || Number.isInteger(t))) {
      svg.append(el('line', { x1: x(tick), x2: x(tick), y1: TOP, y2: height - 22, class: 'grid' }), el('text', { x: x(tick), y: height - 8, class: 'tick', 'text-anchor': 'middle' }, at(this.axis, tick, digits)));
    }
    lanes.forEach((p, k) => {
      svg.append(el('text', { x: 6, y: TOP + k * LANE + LANE / 2 + 4, class: 'lane-label' }, p === -1 ? 'nemesis' : `process ${p}`));
    });
    for (const r of rows) svg.append(this.bar(r, x, TOP + lane.get(r.process)! * LANE + (LANE - BAR) / 2, t1));
    this.canvas.replaceChildren(svg);
    const fmt = (n: number) => n.toLocaleString('en-US');
    const first = rows[0]!.row;
    this.position.textContent = `page ${fmt(this.page + 1)} of ${fmt(this.pages())} · ops ${fmt(first + 1)}–${fmt(first + rows.length)} of ${fmt(this.rows.n)} · ${at(this.axis, t0, digits)} to ${at(this.axis, t1, digits)}`;
  }

  private bar(r: Row, x: (t: number) => number, y: number, t1: number): SVGGElement {
    const nemesis = r.process === -1;
    const xa = x(r.start);
    const xb = Math.max(xa + 2, x(r.duration >= 0 ? r.start + r.duration : t1));
    const g = el('g', { class: `op${this.highlighted.has(r.row) ? ' hl' : ''}`, 'data-row': r.row, 'data-tip': describe(r, this.axis) });
    const rect = el('rect', { x: xa, y, width: xb - xa, height: BAR, rx: 2, fill: nemesis ? '#5d6d7e' : OUTCOME_FILL[r.outcome]! });
    if (r.outcome >= 2 && !nemesis) rect.setAttribute('fill-opacity', '0.55');
    g.append(rect);
    const fit = Math.floor((xb - xa - 6) / 6);
    if (fit >= 4) g.append(el('text', { x: xa + 3, y: y + 11.5 }, r.text.length > fit ? `${r.text.slice(0, fit - 1)}…` : r.text));
    return g;
  }
}
