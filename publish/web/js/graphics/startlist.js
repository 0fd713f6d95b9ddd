// The start list: the athletes in the order the start list gives them, with
// the lane when there is one, country, name and the best marks they bring
// (PB, SB). Nothing on it reads as a place.

import { entrantLabel, formatMark } from '../splitstream.js';
import { attr, make, roundLabel, text } from './dom.js';

export function createStartlist(panel) {
  const rowsEl = panel.querySelector('.rows');
  const nameEl = panel.querySelector('.name');
  const subEl = panel.querySelector('.sub');

  // `order`: bibs as the start list event gave them (a snapshot lists
  // athletes in the order of the race); without it, by lane, then bib.
  function render(race, order = null) {
    panel.dataset.seq = String(race.seq);
    text(nameEl, race.name);
    text(subEl, [roundLabel(race), 'Start list'].filter(Boolean).join(' · '));
    let athletes = [...race.athletes.values()];
    if (order) {
      const at = new Map(order.map((b, i) => [b, i]));
      athletes.sort((a, b) => (at.get(a.bib) ?? 1e9) - (at.get(b.bib) ?? 1e9));
    } else {
      const num = (v) => (Number.isFinite(Number(v)) ? Number(v) : 1e9);
      athletes.sort((a, b) => num(a.lane) - num(b.lane) || num(a.bib) - num(b.bib) || String(a.bib).localeCompare(String(b.bib)));
    }
    const h = athletes.length > 16 ? Math.max(30, Math.floor(820 / athletes.length)) : 48;
    panel.style.setProperty('--row-h', `${h}px`);
    // Rebuilt whole: a start list changes rarely, and then completely.
    const key = athletes.map((a) => `${a.bib}|${a.lane}|${a.name}|${a.country}|${a.pb_ms}|${a.sb_ms}|${a.runners.map((r) => r.name)}`).join(';');
    if (rowsEl.dataset.key === key) return;
    rowsEl.dataset.key = key;
    rowsEl.replaceChildren();
    athletes.forEach((a, i) => {
      const el = make('div', 'row', rowsEl);
      el.dataset.bib = a.bib;
      el.dataset.order = String(i + 1);
      attr(el, 'data-lane', a.lane);
      const best = a.sb_ms && a.pb_ms && a.sb_ms <= a.pb_ms ? ['PB', a.pb_ms] : a.pb_ms ? ['PB', a.pb_ms] : a.sb_ms ? ['SB', a.sb_ms] : null;
      const cells = [
        ['pos', a.lane === null ? '' : String(a.lane)],
        ['country', a.country],
        ['name', entrantLabel(race, a, { onLeg: false })],
        ['flags', best ? best[0] : ''],
        ['value', best ? formatMark(best[1]) : ''],
      ];
      for (const [c, v] of cells) text(make('span', c, el), v);
      el.style.transform = `translateY(${i * h}px)`;
    });
    rowsEl.style.height = `${athletes.length * h}px`;
  }

  return { render };
}
