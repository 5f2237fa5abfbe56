/// <reference lib="dom" />
import { scaleLinear } from 'd3-scale';
import { faultColor, OUTCOME_COLORS } from '../charts/palette.ts';
import type { Rows } from './decode.ts';

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

function seconds(us: number, digits: number): string {
  return `${(us / 1e6).toFixed(digits)} s`;
}

function ms(us: number): string {
  const v = us / 1000;
  return v < 1 ? `${v.toFixed(2)} ms` : v < 1000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(2)} s`;
}

/**
 * The paged timeline: a lane per process, each op a bar from invocation to completion coloured
 * by outcome, fault windows shaded. Only one page of bars exists in the DOM at a time.
 */
export class Timeline {
  private page = 0;
  private pageSize = 100;
  private highlighted = new Set<number>();
  private readonly canvas: HTMLElement;
  private readonly position: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly rows: Rows,
    private readonly windows: readonly PageWindow[],
  ) {
    root.replaceChildren();
    const controls = document.createElement('div');
    controls.className = 'tl-controls';
    const button = (label: string, title: string, go: () => number) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.title = title;
      b.addEventListener('click', () => this.show(go()));
      return b;
    };
    this.position = document.createElement('span');
    this.position.className = 'tl-pos';
    const size = document.createElement('select');
    for (const n of [100, 200, 500, 1000]) size.append(new Option(`${n} ops per page`, String(n), n === this.pageSize, n === this.pageSize));
    size.addEventListener('change', () => {
      const first = this.page * this.pageSize;
      this.pageSize = Number(size.value);
      this.show(Math.floor(first / this.pageSize));
    });
    const opInput = this.input('go to op #', 'history index', (v) => this.showOp(Math.round(v)));
    const timeInput = this.input('go to time (s)', 'seconds since the test started', (v) => this.showTime(v * 1e6));
    controls.append(
      button('« first', 'first page', () => 0),
      button('◀ earlier', 'previous page (←)', () => this.page - 1),
      this.position,
      button('later ▶', 'next page (→)', () => this.page + 1),
      button('last »', 'last page', () => this.pages() - 1),
      size,
      opInput,
      timeInput,
    );
    this.canvas = document.createElement('div');
    this.canvas.className = 'tl-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowRight') this.show(this.page + 1);
      if (ev.key === 'ArrowLeft') this.show(this.page - 1);
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

  /** The row of an op by its invocation's or completion's history index, or -1. */
  rowOf(historyIndex: number): number {
    const { i, c, n } = this.rows;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (i[mid]! < historyIndex) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && i[lo] === historyIndex) return lo;
    for (let k = Math.min(lo, n) - 1; k >= 0; k--) if (c[k]! >= 0 && i[k]! + c[k]! === historyIndex) return k;
    return -1;
  }

  /** Jumps to the page holding these ops and outlines them. */
  showOps(historyIndices: readonly number[]): void {
    const rows = historyIndices.map((h) => this.rowOf(h)).filter((r) => r >= 0);
    this.highlighted = new Set(rows);
    if (rows.length > 0) this.show(Math.floor(rows[0]! / this.pageSize));
    this.root.scrollIntoView({ block: 'start' });
  }

  showOp(historyIndex: number): void {
    this.showOps([historyIndex]);
  }

  showTime(us: number): void {
    const { t, n } = this.rows;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid]! < us) lo = mid + 1;
      else hi = mid;
    }
    this.show(Math.floor(Math.min(lo, n - 1) / this.pageSize));
  }

  show(page: number): void {
    this.page = Math.max(0, Math.min(this.pages() - 1, page));
    const { rows } = this;
    const from = this.page * this.pageSize;
    const to = Math.min(rows.n, from + this.pageSize);
    if (from >= to) {
      this.position.textContent = 'no operations';
      this.canvas.replaceChildren();
      return;
    }
    const t0 = rows.t[from]!;
    // End at the 90th percentile of completions: one long timeout must not squash the page.
    const ends: number[] = [];
    for (let k = from; k < to; k++) if (rows.d[k]! >= 0) ends.push(rows.t[k]! + rows.d[k]!);
    ends.sort((a, b) => a - b);
    const t1 = Math.max(rows.t[to - 1]!, ends[Math.floor(ends.length * 0.9)] ?? 0, t0 + 1000);
    const lanes = [...new Set(Array.from(rows.p.subarray(from, to)))].sort((a, b) => a - b);
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
    for (const tick of x.ticks(8)) {
      svg.append(el('line', { x1: x(tick), x2: x(tick), y1: TOP, y2: height - 22, class: 'grid' }), el('text', { x: x(tick), y: height - 8, class: 'tick', 'text-anchor': 'middle' }, seconds(tick, digits)));
    }
    lanes.forEach((p, k) => {
      svg.append(el('text', { x: 6, y: TOP + k * LANE + LANE / 2 + 4, class: 'lane-label' }, p === -1 ? 'nemesis' : `process ${p}`));
    });
    for (let r = from; r < to; r++) svg.append(this.bar(r, x, TOP + lane.get(rows.p[r]!)! * LANE + (LANE - BAR) / 2, t1));
    this.canvas.replaceChildren(svg);
    const fmt = (n: number) => n.toLocaleString('en-US');
    this.position.textContent = `page ${fmt(this.page + 1)} of ${fmt(this.pages())} · ops ${fmt(from + 1)}–${fmt(to)} of ${fmt(rows.n)} · ${seconds(t0, digits)} to ${seconds(t1, digits)}`;
  }

  private bar(r: number, x: (t: number) => number, y: number, t1: number): SVGGElement {
    const { rows } = this;
    const start = rows.t[r]!;
    const dur = rows.d[r]!;
    const outcome = rows.o[r]!;
    const nemesis = rows.p[r] === -1;
    const xa = x(start);
    const xb = Math.max(xa + 2, x(dur >= 0 ? start + dur : t1));
    const g = el('g', { class: `op${this.highlighted.has(r) ? ' hl' : ''}`, 'data-row': r, 'data-tip': this.describe(r) });
    const rect = el('rect', { x: xa, y, width: xb - xa, height: BAR, rx: 2, fill: nemesis ? '#5d6d7e' : OUTCOME_FILL[outcome]! });
    if (outcome >= 2 && !nemesis) rect.setAttribute('fill-opacity', '0.55');
    g.append(rect);
    const fit = Math.floor((xb - xa - 6) / 6);
    if (fit >= 4) {
      const label = rows.v[r]!;
      g.append(el('text', { x: xa + 3, y: y + 11.5 }, label.length > fit ? `${label.slice(0, fit - 1)}…` : label));
    }
    return g;
  }

  private describe(r: number): string {
    const { rows } = this;
    const p = rows.p[r]!;
    const dur = rows.d[r]!;
    const completion = rows.c[r]! >= 0 ? ` → #${rows.i[r]! + rows.c[r]!}` : '';
    const node = rows.nd[r]! >= 0 ? ` · node ${rows.nodes[rows.nd[r]!]}` : '';
    const lines = [
      `${p === -1 ? 'nemesis' : `process ${p}`} · op #${rows.i[r]}${completion}`,
      rows.v[r]!,
      `invoked at ${seconds(rows.t[r]!, 6)} · ${dur >= 0 ? `${OUTCOME_NAMES[rows.o[r]!]} after ${ms(dur)}` : 'never completed'}${node}`,
    ];
    const error = rows.e.get(r);
    if (error !== undefined) lines.push(`error: ${error}`);
    return lines.join('\n');
  }
}
