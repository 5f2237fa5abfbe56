/// <reference lib="dom" />

/**
 * One tooltip for the whole page: any element with `data-tip` (or inside one) shows its text on
 * hover. Text goes in through textContent, never as markup.
 */
export function installTooltips(root: Document): void {
  const tip = root.createElement('div');
  tip.className = 'tooltip';
  tip.hidden = true;
  root.body.append(tip);
  let current: Element | null = null;
  root.addEventListener('mousemove', (ev) => {
    const target = (ev.target as Element | null)?.closest?.('[data-tip]') ?? null;
    if (!target) {
      tip.hidden = true;
      current = null;
      return;
    }
    if (target !== current) {
      current = target;
      tip.textContent = target.getAttribute('data-tip');
      tip.hidden = false;
    }
    const pad = 14;
    const { innerWidth, innerHeight } = window;
    const rect = tip.getBoundingClientRect();
    const left = ev.clientX + pad + rect.width > innerWidth ? ev.clientX - pad - rect.width : ev.clientX + pad;
    const top = ev.clientY + pad + rect.height > innerHeight ? ev.clientY - pad - rect.height : ev.clientY + pad;
    tip.style.left = `${Math.max(4, left)}px`;
    tip.style.top = `${Math.max(4, top)}px`;
  });
  root.addEventListener('mouseleave', () => {
    tip.hidden = true;
    current = null;
  });
}
