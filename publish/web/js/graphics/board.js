// The board: the running order during a race (position, country, name, gap
// at the athlete's last timing point, a running clock from the gun) and the
// results once published (places, medals, marks, flags, Q/q). A relay team
// shows the runner on its current leg while it runs, its four runners after;
// in a race walk, each walker's red cards and cautions and the Penalty Zone.
// Rows have a fixed height and move with transforms: a change of order
// animates without reflow.

import { boardPosition, entrantLabel, formatClock, formatGap, isJudgedWalk, raceClock, runnerOnLeg, runningOrder, walkCards } from '../splitstream.js';
import { attr, make, roundLabel, text } from './dom.js';

const MEDAL_TEXT = { gold: 'Gold', silver: 'Silver', bronze: 'Bronze' };
const QUALIFY = new Set(['Q', 'q']);

function subtitle(race, mode) {
  const parts = [];
  const round = roundLabel(race);
  if (round) parts.push(round);
  if (race.results) parts.push(race.results.official ? 'Official results' : 'Unofficial results');
  else if (race.status === 'cancelled') parts.push('Cancelled');
  else if (race.status === 'recalled') parts.push('Recalled');
  else if (mode === 'results') parts.push([...race.athletes.values()].some((a) => a.finish) ? 'Provisional results' : 'Results to come');
  else if (race.pointM !== null && race.status !== 'scheduled') {
    parts.push(race.pointM >= (race.distance_m ?? Infinity) ? 'Finish' : `${race.pointM} m`);
  } else if (race.status === 'scheduled') parts.push('Start list');
  return parts.join(' · ');
}

// `mode`: 'running' (the running order; turns into the results when they
// are published, as /graphics always did) or 'results' (finishers and those
// out only). `top`: rows shown (all when null).
export function createBoard(board, { showFlags = true } = {}) {
  const rowsEl = board.querySelector('.rows');
  const nameEl = board.querySelector('.name');
  const subEl = board.querySelector('.sub');
  const clockEl = board.querySelector('.clock');
  const rows = new Map();   // bib -> {el, cells}
  let current = null;
  let rowHeight = 48;

  function makeRow(bib) {
    const el = make('div', 'row', rowsEl);
    el.dataset.bib = bib;
    const cells = {};
    for (const c of ['pos', 'country', 'name', 'cards', 'flags', 'reaction', 'value']) cells[c] = make('span', c, el);
    const row = { el, cells };
    rows.set(bib, row);
    return row;
  }

  function render(race, { mode = 'running', top = null } = {}) {
    current = race;
    board.dataset.state = race.status;
    board.dataset.seq = String(race.seq);
    board.dataset.mode = mode;
    attr(board, 'data-point', race.pointM);
    attr(board, 'data-leader', race.leader?.bib ?? null);
    const walk = isJudgedWalk(race);
    attr(board, 'data-walk', walk ? 'true' : null);
    text(nameEl, race.name);
    text(subEl, subtitle(race, mode));

    let order = runningOrder(race);
    if (mode === 'results') {
      const done = order.filter((a) => a.finish || a.status !== 'ok' || (race.results && a.place !== null));
      if (done.some((a) => a.status === 'ok')) order = done;
    }
    if (Number.isFinite(top) && top > 0) order = order.slice(0, top);
    const n = order.length;
    const h = n > 16 ? Math.max(30, Math.floor(820 / n)) : 48;
    if (h !== rowHeight) {
      rowHeight = h;
      board.style.setProperty('--row-h', `${h}px`);
    }
    rowsEl.style.height = `${n * rowHeight}px`;
    const seen = new Set();
    const finished = !!race.results;
    attr(board, 'data-q', order.some((a) => a.status === 'ok' && a.finish?.mark && (a.qualified || a.flags.some((f) => QUALIFY.has(f)))) ? 'true' : null);
    // Results print each athlete's reaction time when the start information system gave them.
    attr(board, 'data-reactions', finished && order.some((a) => a.reaction) ? 'true' : null);
    order.forEach((a, i) => {
      seen.add(a.bib);
      const { el, cells } = rows.get(a.bib) ?? makeRow(a.bib);
      const out = a.status !== 'ok';
      const shown = boardPosition(a, race);
      const position = i + 1;
      attr(el, 'data-pos', position);
      attr(el, 'data-place', shown.place);
      attr(el, 'data-lane', shown.lane);
      attr(el, 'data-status', a.status);
      attr(el, 'data-leader', !finished && !out && race.leader?.bib === a.bib ? 'true' : null);
      attr(el, 'data-medal', finished && !out ? a.medal : null);
      attr(el, 'data-finished', a.finish ? 'true' : null);
      attr(el, 'data-flags', a.flags.length ? a.flags.join(' ') : null);
      const q = out ? null : a.qualified ?? a.flags.find((f) => QUALIFY.has(f)) ?? null;
      attr(el, 'data-q', q);
      el.style.transform = `translateY(${(position - 1) * rowHeight}px)`;

      text(cells.pos, shown.text);
      attr(cells.pos, 'aria-label', shown.lane !== null ? `lane ${shown.lane}` : null);
      attr(cells.pos, 'title', a.medal && finished ? MEDAL_TEXT[a.medal] : null);
      text(cells.country, a.country);
      text(cells.name, entrantLabel(race, a));
      attr(el, 'data-runner', runnerOnLeg(race, a)?.name ?? null);
      // Records obey flags=0; Q/q always shows (it is the point of a heat's
      // results), beside the mark as official results print it: "3:33.41 q".
      const flags = out ? [] : a.flags.filter((f) => showFlags && !QUALIFY.has(f));
      text(cells.flags, flags.join(' '));
      let value = '';
      if (out) value = a.irm?.rule ?? '';
      else if (a.finish?.mark) value = q ? `${a.finish.mark} ${q}` : a.finish.mark;
      else if (a.rank === 1 && a.last) value = formatClock(a.last.elapsed_ms, 2);
      else if (a.last) value = formatGap(a.gap_ms);
      text(cells.value, value);
      renderCards(el, cells.cards, walk ? walkCards(a) : null);
      text(cells.reaction, finished ? a.reaction ?? '' : '');
    });
    for (const [bib, row] of rows) {
      if (!seen.has(bib)) {
        row.el.remove();
        rows.delete(bib);
      }
    }
  }

  // The red cards as their offences (~ loss of contact, > bent knee), the
  // cautions muted after them, and PZ while the Penalty Zone is owed or served.
  function renderCards(el, cell, judged) {
    attr(el, 'data-red-cards', judged && judged.red.length ? judged.red.length : null);
    attr(el, 'data-penalty', judged?.penalty ?? null);
    const key = judged ? `${judged.red.join('')}|${judged.yellow.join('')}|${judged.penalty ?? ''}` : '';
    if (cell.dataset.key === key) return;
    cell.dataset.key = key;
    cell.replaceChildren();
    if (!judged) return;
    for (const [kind, list] of [['red', judged.red], ['yellow', judged.yellow]]) {
      for (const offence of list) make('span', `card ${kind}`, cell).textContent = offence;
    }
    if (judged.penalty) {
      const pz = make('span', 'pz', cell);
      pz.textContent = 'PZ';
      pz.dataset.state = judged.penalty;
    }
    attr(cell, 'title', judged.red.length ? `${judged.red.length} red card${judged.red.length === 1 ? '' : 's'}` : null);
  }

  // Called every animation frame: the clock from the gun, in tenths; once the
  // winner has finished, the winner's official mark.
  function tick() {
    if (!current) return;
    const ms = raceClock(current);
    const stopped = current.stoppedMs !== null && current.stoppedMs !== undefined;
    attr(clockEl, 'data-running', ms !== null && !stopped ? 'true' : 'false');
    if (ms === null) text(clockEl, '');
    else if (stopped) {
      const winner = [...current.athletes.values()].find((a) => a.finish?.elapsed_ms === current.stoppedMs);
      text(clockEl, winner?.finish?.mark ?? formatClock(ms, 2));
    } else text(clockEl, formatClock(ms, 1));
  }

  function clear() {
    current = null;
    for (const row of rows.values()) row.el.remove();
    rows.clear();
    text(clockEl, '');
  }

  return { render, tick, clear };
}
