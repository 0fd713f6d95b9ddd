// The lower third: one moment of a race (a record, a leader change, a
// disqualification) shown for a few seconds, sliding in and out.

import { formatClock, shortName } from '../splitstream.js';
import { text } from './dom.js';

const RECORD_NAMES = {
  WR: 'World record', '=WR': 'Equals the world record', OR: 'Olympic record', '=OR': 'Equals the Olympic record',
  CR: 'Championship record', '=CR': 'Equals the championship record', AR: 'Area record', '=AR': 'Equals the area record',
  NR: 'National record', '=NR': 'Equals the national record', WL: 'World lead', '=WL': 'Equals the world lead',
  MR: 'Meeting record', '=MR': 'Equals the meeting record',
};
export const HOLD_DEFAULT_S = 8;

// Whether a derived event is a moment for a lower third. PBs and SBs are not:
// a final can have half a dozen, and they belong on the results board.
export function isMoment(ev) {
  if (ev.type === 'record') return ev.kind in RECORD_NAMES;
  if (ev.type === 'leader_change') return true;
  if (ev.type === 'irm') return ev.code === 'DQ';
  return false;
}

const KINDS = { record: 'record', leader_change: 'leader_change', leader: 'leader_change', irm: 'irm', dq: 'irm' };

// The moment to show from a race's moments (oldest first): the one with
// `options.seq`, else the latest of `options.kind` (record, leader_change,
// irm), else the latest.
export function pickMoment(moments, options = {}) {
  if (Number.isFinite(Number(options.seq)) && options.seq !== null && options.seq !== '') {
    return moments.find((m) => m.seq === Number(options.seq)) ?? null;
  }
  const kind = KINDS[options.kind] ?? null;
  for (let i = moments.length - 1; i >= 0; i--) if (!kind || moments[i].type === kind) return moments[i];
  return null;
}

// Moments read from a race's state, for when its events are not known (a
// server that does not resend recent events): records, DQs, then the
// leader. Their order among themselves is not known; records come first.
export function momentsFromState(race) {
  if (!race) return [];
  const list = [];
  if (race.leader && race.pointM !== null && !race.results && race.status === 'started') {
    list.push({ type: 'leader_change', seq: 0, leader: race.leader, distance_m: race.pointM });
  }
  for (const a of race.athletes.values()) {
    if (a.status === 'DQ') list.push({ type: 'irm', seq: 0, bib: a.bib, code: 'DQ', rule: a.irm?.rule ?? null, reason: a.irm?.reason ?? null });
  }
  for (const a of race.athletes.values()) {
    for (const kind of [...a.flags].reverse()) {
      if (kind in RECORD_NAMES) list.push({ type: 'record', seq: 0, kind, bib: a.bib, mark: a.finish?.mark ?? null });
    }
  }
  return list;
}

function who(ev, race) {
  const a = race?.athletes.get(String(ev.bib));
  return { name: ev.name ?? a?.name ?? String(ev.bib ?? ''), country: ev.country ?? a?.country ?? '' };
}

export function describe(ev, race) {
  switch (ev.type) {
    case 'record': {
      const p = who(ev, race);
      const previous = ev.previous?.mark ? `previous ${ev.previous.mark}` : '';
      return { tag: RECORD_NAMES[ev.kind] ?? ev.kind, name: p.name, country: p.country,
        detail: [ev.mark, previous, ev.provisional ? 'provisional' : ''].filter(Boolean).join(' · ') };
    }
    case 'leader_change': {
      const p = ev.leader ?? {};
      const from = ev.previous?.name ? `takes over from ${shortName(ev.previous.name)}` : '';
      return { tag: 'New leader', name: p.name ?? '', country: p.country ?? '',
        detail: [`at ${ev.distance_m} m`, Number.isFinite(ev.elapsed_ms) ? formatClock(ev.elapsed_ms, 2) : '', from].filter(Boolean).join(' · ') };
    }
    case 'irm': {
      const p = who(ev, race);
      return { tag: 'Disqualified', name: p.name, country: p.country,
        detail: [ev.rule ? `Rule ${ev.rule}` : '', ev.reason ?? ''].filter(Boolean).join(' · ') };
    }
    default:
      return { tag: '', name: '', country: '', detail: ev.text ?? '' };
  }
}

export function createLowerThird(el) {
  const tagEl = el.querySelector('.lt-tag');
  const nameEl = el.querySelector('.lt-name');
  const countryEl = el.querySelector('.lt-country');
  const detailEl = el.querySelector('.lt-detail');
  let timer = null;
  let shownSeq = null;

  // Shows `moment` for `holdS` seconds (0: until hidden); the CSS animates
  // in and out on `data-shown`.
  function show(moment, race, holdS = HOLD_DEFAULT_S) {
    clearTimeout(timer);
    if (!moment) {
      hide();
      return;
    }
    const d = describe(moment, race);
    text(tagEl, d.tag);
    text(nameEl, d.name);
    text(countryEl, d.country);
    text(detailEl, d.detail);
    el.dataset.seq = String(moment.seq);
    el.dataset.kind = moment.type === 'record' ? moment.kind : moment.type;
    el.dataset.shown = 'true';
    shownSeq = moment.seq;
    if (holdS > 0) timer = setTimeout(hide, holdS * 1000);
  }

  function hide() {
    clearTimeout(timer);
    el.dataset.shown = 'false';
  }

  return { show, hide, get shownSeq() { return shownSeq; } };
}
