// The control page (control.html): an operator picks a channel, an event and
// a view, and takes the graphic on air (POST /v1/control/{channel}) or clears
// it. Overlays that follow the channel (/graphics?channel=A) switch on the
// control frame the server sends them. The page follows the channel itself
// over the stream, so it shows what is on air even when another desk took it.

import { Client, httpBaseFor, pageParams, streamUrlFor } from './splitstream.js';

// URL parameters: channel=A (default A), event=ID (preselected),
// server=HOST:PORT, token=JWT (sent as Authorization: Bearer; the token
// needs the claim "control": true to change a channel).
const { server, events, token, params } = pageParams();
const base = server ? httpBaseFor(streamUrlFor(server)) : '';
const $ = (id) => document.getElementById(id);
const form = $('form');
const channelEl = $('channel');
const eventEl = $('event');
const airEl = $('air');
const messageEl = $('message');
const VIEW_NAMES = { startlist: 'start list', running: 'running order', results: 'results', lower_third: 'lower third', strap: 'strap' };
const PREVIEW_BG = '%23203040';

channelEl.value = params.get('channel') || 'A';
// Timings for whoever needs them (the browser test): when each take or clear
// was clicked and when the server answered, on the clock overlays use.
window.controlLog = [];
const now = () => performance.timeOrigin + performance.now();

function headers(json) {
  const h = json ? { 'Content-Type': 'application/json' } : {};
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

function withCommon(url) {
  const extra = [server ? `server=${encodeURIComponent(server)}` : '', token ? `token=${encodeURIComponent(token)}` : ''].filter(Boolean).join('&');
  return extra ? `${url}&${extra}` : url;
}

function selectedView() {
  return form.querySelector('input[name="view"]:checked')?.value ?? 'running';
}

// The options of the selected view, from the fields that apply to it.
function options() {
  const view = selectedView();
  const o = {};
  const num = (el) => (el.value === '' ? undefined : Number(el.value));
  if (view === 'running' || view === 'results') o.top = num($('opt-top'));
  if (view === 'lower_third') {
    o.kind = $('opt-kind').value || undefined;
    o.hold = num($('opt-hold'));
  }
  if (view === 'strap') o.text = $('opt-text').value.trim() || undefined;
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function showMessage(text) {
  messageEl.textContent = text;
}

// ------------------------------------------------------------ on air

function describe(state) {
  if (!state?.on_air) return 'off air';
  return `on air: ${VIEW_NAMES[state.view] ?? state.view ?? ''} · ${state.event ?? ''}`;
}

let lastRev = -1;
function showState(state) {
  if (!state || state.channel !== channelEl.value || Number(state.rev) < lastRev) return;
  lastRev = Number(state.rev);
  airEl.dataset.onAir = String(!!state.on_air);
  airEl.dataset.rev = String(state.rev);
  airEl.textContent = describe(state);
  $('program-what').textContent = state.on_air ? `${VIEW_NAMES[state.view] ?? ''} · ${state.event ?? ''}` : '(nothing)';
}

async function post(body) {
  const channel = channelEl.value;
  const entry = { action: body.on_air ? 'take' : 'clear', channel, clickAt: now(), view: body.view };
  window.controlLog.push(entry);
  try {
    const res = await fetch(`${base}/v1/control/${encodeURIComponent(channel)}`, { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
    entry.responseAt = now();
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) {
      entry.error = answer.error ?? res.status;
      showMessage(`${res.status}: ${answer.message ?? answer.error ?? 'refused'}`);
      return;
    }
    entry.rev = answer.rev;
    showMessage('');
    showState(answer);
  } catch (err) {
    entry.error = String(err);
    showMessage(`no answer from the server: ${err.message ?? err}`);
  }
}

function take() {
  if (!eventEl.value) {
    showMessage('pick an event first');
    return;
  }
  post({ on_air: true, event: eventEl.value, view: selectedView(), options: options() });
}

function clear() {
  post({ on_air: false });
}

// ------------------------------------------------------------ following the channel

let follower = null;
let program = '';

function follow() {
  const channel = channelEl.value;
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(channel)) {
    showMessage('a channel is 1 to 32 of A-Z, a-z, 0-9, _ and -');
    return;
  }
  lastRev = -1;
  follower?.close();
  // Only the control frames matter here: the feed type is the quietest.
  follower = new Client({ url: streamUrlFor(server), types: ['feed'], control: channel, token, onControl: showState }).connect();
  fetch(`${base}/v1/control/${encodeURIComponent(channel)}`, { headers: headers(false) })
    .then((r) => (r.ok ? r.json() : null)).then(showState).catch(() => {});
  const url = withCommon(`graphics?channel=${encodeURIComponent(channel)}&bg=${PREVIEW_BG}`);
  if (url !== program) {
    program = url;
    $('program').src = url;
  }
}

// ------------------------------------------------------------ preview and events

let previewUrl = '';
function updatePreview() {
  const view = selectedView();
  for (const label of form.querySelectorAll('.options label')) label.hidden = !label.dataset.for.split(' ').includes(view);
  if (!eventEl.value) return;
  const o = options();
  const extra = Object.entries(o).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join('');
  const url = withCommon(`graphics?event=${encodeURIComponent(eventEl.value)}&view=${view}${extra}&bg=${PREVIEW_BG}`);
  $('preview-what').textContent = `${VIEW_NAMES[view]} · ${eventEl.value}`;
  if (url !== previewUrl) {
    previewUrl = url;
    $('preview').src = url;
  }
}

async function loadEvents() {
  try {
    const res = await fetch(`${base}/v1/events`, { headers: headers(false) });
    if (!res.ok) throw new Error(`${res.status}`);
    const list = await res.json();
    const items = Array.isArray(list) ? list : list.events ?? [];
    const chosen = eventEl.value || events[0] || '';
    const key = items.map((e) => `${e.event}|${e.status}`).join(';');
    if (eventEl.dataset.key !== key) {
      eventEl.dataset.key = key;
      eventEl.replaceChildren(...items.map((e) => {
        const o = document.createElement('option');
        o.value = e.event;
        o.textContent = `${e.name ?? e.event} (${e.status ?? ''})`;
        return o;
      }));
      if (items.some((e) => e.event === chosen)) eventEl.value = chosen;
      updatePreview();
    }
  } catch (err) {
    showMessage(`cannot list the events: ${err.message ?? err}`);
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  take();
});
$('clear').addEventListener('click', clear);
form.addEventListener('change', updatePreview);
form.addEventListener('input', updatePreview);
channelEl.addEventListener('change', follow);
// Keys: Enter or F8 takes, Escape or F9 clears, 1-5 pick a view (not while
// typing in a field).
addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement && e.target.type === 'text';
  if (e.key === 'F8') { e.preventDefault(); take(); }
  else if (e.key === 'F9' || (e.key === 'Escape' && !typing)) { e.preventDefault(); clear(); }
  else if (!typing && !(e.target instanceof HTMLInputElement) && /^[1-5]$/.test(e.key)) {
    const radio = form.querySelectorAll('input[name="view"]')[Number(e.key) - 1];
    radio.checked = true;
    updatePreview();
  }
});

loadEvents();
setInterval(loadEvents, 5000);
follow();
updatePreview();
window.controlTake = take;
window.controlClear = clear;
