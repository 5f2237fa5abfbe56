/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { ChunkIndex } from '../timeline-data.ts';
import { RowStore } from './decode.ts';
import { Timeline, type PageWindow, type TimelineAxis } from './timeline.ts';
import { installTooltips } from './tooltip.ts';
import { errorText } from '../../harness/errors.ts';

/** The small JSON the page carries beside the compressed timeline. */
export interface PageData {
  windows: PageWindow[];
  chunks: ChunkIndex;
  /** 'position' when the history has no times: the timeline's µs are then positions. */
  axis?: TimelineAxis;
}

declare global {
  interface Window {
    /** Set once the page is interactive: tests and the benchmark wait for it. */
    faultlineReady?: boolean;
  }
}

function installCopyButtons(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    button.addEventListener('click', () => {
      const text = document.getElementById(button.dataset.copy ?? '')?.textContent ?? '';
      void navigator.clipboard?.writeText(text).then(
        () => (button.textContent = 'copied'),
        () => (button.textContent = 'select and copy'),
      );
    });
  }
}

function installOpLinks(timeline: Timeline): void {
  document.addEventListener('click', (ev) => {
    const link = (ev.target as Element | null)?.closest?.<HTMLElement>('[data-op]');
    if (!link || link.closest('#timeline')) return;
    ev.preventDefault();
    // A link inside an anomaly outlines all of that anomaly's ops.
    const group = link.closest('.ops, tr, li')?.querySelectorAll<HTMLElement>('[data-op]');
    const ops = group && group.length > 0 ? [...group].map((a) => Number(a.dataset.op)) : [Number(link.dataset.op)];
    void timeline.showOps(ops);
  });
}

/** A Porcupine view wider than the page opens scrolled to the op that cannot be placed. */
function scrollToFailures(): void {
  for (const failed of document.querySelectorAll<SVGGElement>('svg.lin-view g.lin-failed')) {
    const box = failed.closest('.lin-scroll');
    if (box) box.scrollLeft = failed.getBBox().x - box.clientWidth / 2;
  }
}

async function start(): Promise<void> {
  installTooltips(document);
  installCopyButtons();
  scrollToFailures();
  const data = JSON.parse(document.getElementById('fl-data')?.textContent ?? '{}') as PageData;
  const root = document.getElementById('timeline-root');
  const chunks = [...document.querySelectorAll<HTMLScriptElement>('script.fl-chunk')];
  if (root && data.chunks) {
    try {
      const rows = new RowStore(data.chunks, (k) => chunks[k]?.textContent ?? '');
      const timeline = new Timeline(root, rows, data.windows ?? [], data.axis ?? 'time');
      await timeline.show(0);
      installOpLinks(timeline);
    } catch (err) {
      root.textContent = `The timeline could not be drawn: ${errorText(err, { name: false })}`;
      throw err;
    }
  }
  window.faultlineReady = true;
  document.documentElement.dataset.ready = 'true';
}

void start();
