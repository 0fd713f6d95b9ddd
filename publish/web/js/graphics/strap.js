// The strap: one line at the bottom of the picture, the latest headline of
// the race ("Kerr leads at 1300 m"), or the operator's own text.

import { shortName } from '../splitstream.js';
import { text } from './dom.js';

// The line for a race: while it is run, who leads at the latest timing point
// once splits have come in after the last headline; otherwise that headline;
// with no headline known (a server that does not resend recent events), one
// made from the state.
export function strapLine(race, headline, lastSplitSeq = 0) {
  const running = race.status === 'started' && race.leader && race.pointM !== null;
  const leads = running ? `${shortName(race.leader.name) || race.leader.bib} leads at ${race.pointM} m` : null;
  if (leads && (!headline || lastSplitSeq > headline.seq)) return leads;
  // A results headline names the whole podium in a sentence; a strap reads
  // better as the podium itself.
  if (race.results && (!headline || headline.type === 'results' || headline.type === 'race_state')) {
    const podium = [...race.athletes.values()].filter((a) => a.status === 'ok' && a.place >= 1 && a.place <= 3)
      .sort((a, b) => a.place - b.place).map((a) => `${shortName(a.name)} ${a.finish?.mark ?? ''}`.trim());
    if (podium.length) return `${race.results.official ? 'Official' : 'Unofficial'} results: ${podium.join(' · ')}`;
  }
  if (headline?.text) return headline.text;
  if (leads) return leads;
  const winner = [...race.athletes.values()].find((a) => a.status === 'ok' && (a.place === 1 || a.finish?.place === 1));
  if (winner?.finish?.mark) return `${shortName(winner.name)} wins in ${winner.finish.mark}`;
  return race.name ?? '';
}

export function createStrap(el) {
  const labelEl = el.querySelector('.strap-label');
  const textEl = el.querySelector('.strap-text');

  // Fits the line on one line: smaller type first (down to 70 %), then an
  // ellipsis. Only measured when the text changed.
  function fit() {
    textEl.style.fontSize = '';
    const base = parseFloat(getComputedStyle(textEl).fontSize);
    let size = base;
    while (textEl.scrollWidth > textEl.clientWidth && size > base * 0.7) {
      size -= 2;
      textEl.style.fontSize = `${size}px`;
    }
  }

  function render(race, line, label) {
    el.dataset.seq = String(race.seq);
    text(labelEl, label ?? race.name ?? '');
    if (textEl.textContent !== line) {
      text(textEl, line);
      fit();
    }
  }

  return { render };
}
