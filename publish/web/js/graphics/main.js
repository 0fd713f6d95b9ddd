// The broadcast overlay (graphics.html): which view of which event is on the
// picture, from the page's URL or from a control channel (`channel=A`),
// and the stream that feeds the views. Each view draws itself (board.js,
// startlist.js, lower-third.js, strap.js); this file only chooses.

import { Client, delayNote, pageParams, streamUrlFor } from '../splitstream.js';
import { createBoard } from './board.js';
import { createStartlist } from './startlist.js';
import { HOLD_DEFAULT_S, createLowerThird, isMoment, momentsFromState, pickMoment } from './lower-third.js';
import { createStrap, strapLine } from './strap.js';

// URL parameters (docs/web.md): event=ID, view=running|results|startlist|
// lower_third|strap (default running: the running order, then the results),
// channel=A (follow a control channel instead of event/view), top=N,
// hold=S (lower third), text=… (strap), size=720|1080 (default: scale to
// the window), bg=COLOUR (previews), flags=0, delay=S, server=HOST:PORT,
// token=JWT.
const { server, events, delay, token, params } = pageParams();
const VIEWS = new Set(['running', 'results', 'startlist', 'lower_third', 'strap']);
const channel = params.get('channel') || null;
const numberParam = (name) => (params.get(name) !== null && params.get(name) !== '' && Number.isFinite(Number(params.get(name))) ? Number(params.get(name)) : undefined);

const stage = document.getElementById('stage');
const sections = {
  board: document.getElementById('board'),
  startlist: document.getElementById('startlist'),
  lower_third: document.getElementById('lower-third'),
  strap: document.getElementById('strap'),
};
const SECTION_OF = { running: 'board', results: 'board', startlist: 'startlist', lower_third: 'lower_third', strap: 'strap' };
const board = createBoard(sections.board, { showFlags: params.get('flags') !== '0' });
const startlist = createStartlist(sections.startlist);
const lowerThird = createLowerThird(sections.lower_third);
const strap = createStrap(sections.strap);
const connEl = document.getElementById('conn');

const moments = new Map();      // event id -> lower-third moments, oldest first
const headlines = new Map();    // event id -> {seq, text}: the latest headline
const lastSplit = new Map();    // event id -> seq of the latest split
const startOrder = new Map();   // event id -> bibs in the start list's order

// What is on the picture. From the URL, or from the channel's control frames.
let shown = channel
  ? { rev: null, on_air: false, event: null, view: 'running', options: {} }
  : { rev: null, on_air: true, event: events[0] ?? null, view: VIEWS.has(params.get('view')) ? params.get('view') : 'running',
    options: { top: numberParam('top'), hold: numberParam('hold'), text: params.get('text') ?? undefined,
      kind: params.get('kind') ?? undefined, seq: numberParam('seq') } };

if (params.get('bg')) {
  document.documentElement.style.background = params.get('bg');
  // Only a preview with a background says so; a keyed overlay stays clean.
  const note = document.getElementById('delay-note');
  note.textContent = delayNote(delay);
}

// ------------------------------------------------------------ scale

// The page is drawn at 1920x1080 and scaled: size=720 for a 1280x720 source,
// otherwise to the window (a 1280x720 browser source, a preview iframe).
function fitStage() {
  const size = params.get('size');
  let s = size === '720' ? 1280 / 1920 : size === '1080' ? 1 : Math.min(innerWidth / 1920, innerHeight / 1080);
  if (!Number.isFinite(s) || s <= 0) s = 1;
  stage.style.transform = s === 1 ? '' : `scale(${s})`;
  document.documentElement.dataset.scale = String(Math.round(s * 1000) / 1000);
}
fitStage();
addEventListener('resize', fitStage);

// ------------------------------------------------------------ drawing

function option(name) {
  const v = shown.options?.[name];
  return v === undefined || v === null || v === '' ? undefined : v;
}

function draw() {
  const race = shown.event ? client.state(shown.event) : null;
  if (!race) return;
  switch (shown.view) {
    case 'running':
    case 'results':
      board.render(race, { mode: shown.view, top: Number(option('top')) || null });
      board.tick();   // the clock with the rows, not a frame later
      break;
    case 'startlist':
      startlist.render(race, startOrder.get(race.event));
      break;
    case 'strap':
      strap.render(race, option('text') ?? strapLine(race, headlines.get(race.event), lastSplit.get(race.event)), option('label'));
      break;
    case 'lower_third':
      break;   // driven by moments (showMoment)
  }
}

let drawScheduled = false;
// Several events can arrive in one frame: draw once per animation frame.
function scheduleDraw() {
  if (drawScheduled) return;
  drawScheduled = true;
  requestAnimationFrame(() => {
    drawScheduled = false;
    draw();
  });
}

let momentPending = false;   // a lower third was taken before its moments arrived
let momentTimer = null;

function showMoment() {
  const race = client.state(shown.event);
  const hold = Number(option('hold') ?? HOLD_DEFAULT_S);
  const known = moments.get(shown.event) ?? [];
  let moment = pickMoment(known, shown.options ?? {});
  momentPending = !moment;
  if (!moment && !client.recent) moment = pickMoment(momentsFromState(race), shown.options ?? {});
  lowerThird.show(moment, race, hold);
}

// Puts `next` on the picture. Attributes change at once (the CSS transitions
// start in the same frame); content is drawn in the same turn, so a take is
// visible on the next frame.
function apply(next, before = shown) {
  shown = { ...next, options: next.options ?? {} };
  const section = shown.on_air && shown.event ? SECTION_OF[shown.view] ?? 'board' : null;
  stage.dataset.rev = shown.rev ?? '';
  stage.dataset.onAir = String(!!shown.on_air);
  stage.dataset.view = shown.view ?? '';
  stage.dataset.event = shown.event ?? '';
  // The lower third shows itself, only while it has a moment to show.
  for (const [name, el] of Object.entries(sections)) if (name !== 'lower_third') el.dataset.shown = String(name === section);
  if (before.event !== shown.event) board.clear();
  if (section === 'lower_third') {
    // A take again (a new rev) replays it, as the control API promises.
    if (before.view !== 'lower_third' || before.event !== shown.event || before.rev !== shown.rev ||
      JSON.stringify(before.options) !== JSON.stringify(shown.options) || !before.on_air) showMoment();
  } else {
    momentPending = false;
    lowerThird.hide();
  }
  draw();
}

function note(ev) {
  if (!ev.event) return;
  if (ev.type === 'startlist' && Array.isArray(ev.athletes)) startOrder.set(ev.event, ev.athletes.map((a) => String(a.bib)));
  if (ev.type === 'split') lastSplit.set(ev.event, ev.seq);
  else if (ev.text && ev.type !== 'correction') headlines.set(ev.event, { seq: ev.seq, type: ev.type, text: ev.text });
  if (isMoment(ev)) {
    const list = moments.get(ev.event) ?? [];
    list.push(ev);
    if (list.length > 50) list.shift();
    moments.set(ev.event, list);
    // A new moment of the race on air comes in at once; the recent ones
    // resent on connecting are history, not news.
    const onAir = shown.on_air && shown.view === 'lower_third' && ev.event === shown.event;
    if (onAir && !ev.recent && option('seq') === undefined) showMoment();
    // Taken while the recent events were still coming: the latest of them,
    // once they are all in (they come in one burst).
    if (onAir && ev.recent && momentPending) {
      clearTimeout(momentTimer);
      momentTimer = setTimeout(() => { if (momentPending) showMoment(); }, 150);
    }
  }
}

// ------------------------------------------------------------ the stream

const client = new Client({
  url: streamUrlFor(server),
  // Following a channel, every event is kept so that a take needs no round trip.
  events: channel ? [] : shown.event ? [shown.event] : [],
  // No `recent=`: a join with recent events comes without snapshots, and the
  // views need the whole state. What happened before the page opened comes
  // from the state (the strap's and lower third's fallbacks).
  delay,
  token,
  control: channel,
  batch: true,
  onEvent(ev) {
    note(ev);
  },
  onState(id) {
    if (id !== shown.event) return;
    scheduleDraw();
    // No recent events from this server: the state is all there is to go on.
    if (momentPending && shown.on_air && shown.view === 'lower_third' && !client.recent) showMoment();
  },
  onControl(c) {
    apply({ rev: c.rev, on_air: !!c.on_air, event: c.event ?? null, view: VIEWS.has(c.view) ? c.view : 'running', options: c.options ?? {} });
  },
  onStatus(s) {
    connEl.dataset.status = s.status;
    document.body.dataset.status = s.status;
    connEl.textContent = s.status === 'reconnecting' ? 'reconnecting' : s.status === 'closed' ? 'offline' : '';
  },
});

function tick() {
  if (shown.on_air && SECTION_OF[shown.view] === 'board') board.tick();
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);

apply(shown, {});
if (!channel && !shown.event) {
  connEl.dataset.status = 'error';
  connEl.textContent = 'add ?event=ID (or ?channel=A) to the address';
} else {
  client.connect();
}
window.splitstream = client;
window.splitstreamTestDrop = (holdMs = 0) => client.drop(holdMs);
