// A small stand-in for `splitstream serve`, for working on the pages without
// building the daemon: it serves publish/web/ like the daemon does and speaks
// the subscriber stream (PROTOCOL.md §2: hello, snapshot, derived events,
// since/epoch resume, events/types filters, ping) for one reference race
// from shared/data, derived here with a deliberately small engine.
//
//   node mock-server.mjs [--port 8090] [--speed 10] [--loop]
//
// The browser tests run against the real daemon; this is a development aid.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
const webRoot = path.resolve(here, '../../publish/web');
const feedPath = path.resolve(here, '../../../shared/data/feeds/budapest-2023-men-1500m-final.jsonl');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const port = Number(arg('port', 8090));
const speed = Number(arg('speed', 10));
const loop = process.argv.includes('--loop');

function mark(ms) {
  const h = Math.ceil(ms / 10);
  const m = Math.floor(h / 6000);
  const s = Math.floor((h % 6000) / 100);
  const hh = h % 100;
  return `${m}:${String(s).padStart(2, '0')}.${String(hh).padStart(2, '0')}`;
}

// Derives PROTOCOL §2 events from feed messages: enough for the pages.
class MiniEngine {
  constructor(epoch) {
    this.epoch = epoch;
    this.seq = 0;
    this.history = [];
    this.races = new Map();
  }
  emit(msg, type, text, payload) {
    const ev = { seq: ++this.seq, type, event: msg.event, ts: msg.ts, src_seq: msg.seq, ...payload, text };
    this.history.push(ev);
    return ev;
  }
  apply(msg) {
    if (msg.type === 'hello' || msg.type === 'heartbeat') return [];
    const out = [];
    let r = this.races.get(msg.event);
    if (msg.type === 'startlist') {
      r = { def: msg, status: 'scheduled', athletes: new Map(msg.athletes.map((a) => [a.bib, { ...a, splits: {}, finish: null, status: 'ok', records: [] }])), points: {}, leader: null, gun_ts: null };
      this.races.set(msg.event, r);
      out.push(this.emit(msg, 'startlist', `Start list: ${msg.name}, ${msg.athletes.length} athletes`, { name: msg.name, distance_m: msg.distance_m, round: msg.round, venue: msg.venue, athletes: msg.athletes, records: msg.records }));
      return out;
    }
    const who = (bib) => { const a = r.athletes.get(bib); return { bib, name: a.name, country: a.country }; };
    if (msg.type === 'status') {
      r.status = msg.status;
      if (msg.status === 'started') r.gun_ts = msg.ts;
      out.push(this.emit(msg, 'race_state', `${r.def.name}: ${msg.status}`, { state: msg.status }));
      if (msg.status === 'unofficial' || msg.status === 'official') {
        const ranked = [...r.athletes.values()].filter((a) => a.finish).sort((a, b) => a.finish.elapsed_ms - b.finish.elapsed_ms);
        const ranking = ranked.map((a, i) => ({ place: i + 1, bib: a.bib, name: a.name, country: a.country, mark: a.finish.mark, flags: a.records, ...(i < 3 && r.def.round === 'final' ? { medal: ['gold', 'silver', 'bronze'][i] } : {}) }));
        r.ranking = ranking;
        out.push(this.emit(msg, 'results', `${r.def.name}: ${msg.status} results. 1 ${ranking[0]?.name} ${ranking[0]?.mark}`, { official: msg.status === 'official', ranking }));
      }
      return out;
    }
    if (msg.type === 'split') {
      const a = r.athletes.get(msg.bib);
      const pt = (r.points[msg.distance_m] ??= []);
      pt.push({ bib: msg.bib, t: msg.elapsed_ms });
      pt.sort((x, y) => x.t - y.t);
      const prevD = Object.keys(a.splits).map(Number).filter((d) => d < msg.distance_m).sort((x, y) => y - x)[0];
      const lap = prevD === undefined ? msg.elapsed_ms : msg.elapsed_ms - a.splits[prevD];
      a.splits[msg.distance_m] = msg.elapsed_ms;
      a.last = { distance_m: msg.distance_m, elapsed_ms: msg.elapsed_ms };
      const position = pt.findIndex((p) => p.bib === msg.bib) + 1;
      const behind = msg.elapsed_ms - pt[0].t;
      out.push(this.emit(msg, 'split', `${a.name} (${a.country}) ${position} at ${msg.distance_m} m`, { bib: msg.bib, distance_m: msg.distance_m, elapsed_ms: msg.elapsed_ms, position, behind_ms: behind, lap_ms: lap }));
      if (position === 1 && r.leader !== msg.bib) {
        const previous = r.leader ? who(r.leader) : null;
        r.leader = msg.bib;
        if (previous) out.push(this.emit(msg, 'leader_change', `${a.name} (${a.country}) takes the lead at ${msg.distance_m} m`, { distance_m: msg.distance_m, leader: who(msg.bib), previous, elapsed_ms: msg.elapsed_ms }));
      }
      return out;
    }
    if (msg.type === 'finish') {
      const a = r.athletes.get(msg.bib);
      a.finish = { elapsed_ms: msg.elapsed_ms, mark: mark(msg.elapsed_ms) };
      const place = [...r.athletes.values()].filter((x) => x.finish && x.finish.elapsed_ms < msg.elapsed_ms).length + 1;
      out.push(this.emit(msg, 'finish', `${a.name} (${a.country}) finishes ${place} in ${a.finish.mark}`, { bib: msg.bib, elapsed_ms: msg.elapsed_ms, mark: a.finish.mark, place }));
      const rec = (kind, previous) => {
        a.records.push(kind);
        out.push(this.emit(msg, 'record', `${kind} ${a.finish.mark} for ${a.name} (${a.country})`, { kind, bib: a.bib, mark: a.finish.mark, previous, provisional: true }));
      };
      for (const k of r.def.records ?? []) {
        if (k.kind === 'NR' && k.country === a.country && msg.elapsed_ms < k.mark_ms) rec('NR', { mark: mark(k.mark_ms), holder: k.holder });
      }
      if (a.pb_ms && msg.elapsed_ms < a.pb_ms) rec('PB', { mark: mark(a.pb_ms) });
      else if (a.sb_ms && msg.elapsed_ms < a.sb_ms) rec('SB', { mark: mark(a.sb_ms) });
      if ([...r.athletes.values()].every((x) => x.finish || x.status !== 'ok')) {
        out.push(this.emit(msg, 'race_state', `${r.def.name}: finished`, { state: 'finished' }));
      }
      return out;
    }
    if (msg.type === 'irm') {
      const a = r.athletes.get(msg.bib);
      a.status = msg.code === 'OK' ? 'ok' : msg.code;
      out.push(this.emit(msg, 'irm', `${msg.code}: ${a.name} (${a.country})`, { bib: msg.bib, code: msg.code, rule: msg.rule, reason: msg.reason }));
      return out;
    }
    return out;
  }
  snapshot(id) {
    const r = this.races.get(id);
    return {
      event: id, name: r.def.name, round: r.def.round, distance_m: r.def.distance_m, venue: r.def.venue ?? 'track',
      status: r.status, gun_ts: r.gun_ts,
      leader: r.leader ? { bib: r.leader } : null,
      ...(r.ranking ? { results: r.ranking } : {}),
      athletes: [...r.athletes.values()].map((a) => ({ bib: a.bib, name: a.name, country: a.country, status: a.status, last_split: a.last ?? null, finish: a.finish, records: a.records })),
    };
  }
}

const feed = fs.readFileSync(feedPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
let engine = new MiniEngine(`mock-${Date.now()}`);
const clients = new Set();

function matches(c, ev) {
  return (!c.events.length || c.events.includes(ev.event)) && (!c.types.length || c.types.includes(ev.type));
}

function publish(evs) {
  for (const ev of evs) {
    const text = JSON.stringify(ev);
    for (const c of clients) if (matches(c, ev)) c.ws.send(text);
  }
}

function play() {
  engine = new MiniEngine(`mock-${Date.now()}`);
  let i = 0;
  let prevTs = null;
  const step = () => {
    if (i >= feed.length) {
      if (loop) setTimeout(play, 5000);
      return;
    }
    const msg = feed[i++];
    publish(engine.apply(msg));
    const t = Date.parse(msg.ts);
    const next = feed[i];
    let wait = next ? (Date.parse(next.ts) - t) / speed : 0;
    if (msg.type === 'startlist' || next?.type === 'status' && next.status === 'started') wait = Math.min(wait, 2000);
    if (msg.type === 'status' || next?.type === 'status') wait = Math.min(wait, 1500);
    prevTs = t;
    setTimeout(step, Math.max(0, wait));
  };
  step();
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };
const routes = { '/': 'index.html', '/ticker': 'ticker.html', '/graphics': 'graphics.html', '/control': 'control.html' };

const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  if (u.pathname === '/v1/events') {
    const list = [...engine.races.keys()].map((id) => { const s = engine.snapshot(id); return { event: id, name: s.name, round: s.round, status: s.status }; });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
    return;
  }
  const m = u.pathname.match(/^\/v1\/events\/(.+)$/);
  if (m) {
    const id = decodeURIComponent(m[1]);
    if (!engine.races.has(id)) return res.writeHead(404).end('{"error":"unknown event"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(engine.snapshot(id)));
    return;
  }
  const rel = routes[u.pathname] ?? u.pathname.replace(/^\/+/, '');
  const file = path.resolve(webRoot, rel);
  if (!file.startsWith(webRoot) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return res.writeHead(404).end('not found');
  res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const u = new URL(req.url, 'http://x');
  if (u.pathname !== '/v1/stream') return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    const list = (k) => (u.searchParams.get(k) ? u.searchParams.get(k).split(',') : []);
    const c = { ws, events: list('events'), types: list('types') };
    ws.send(JSON.stringify({ type: 'hello', server: 'splitstream-mock/0', epoch: engine.epoch, head: engine.seq }));
    const since = u.searchParams.get('since');
    const epoch = u.searchParams.get('epoch');
    if (since !== null && (epoch === null || epoch === engine.epoch) && Number(since) <= engine.seq) {
      for (const ev of engine.history) if (ev.seq > Number(since) && matches(c, ev)) ws.send(JSON.stringify(ev));
    } else {
      for (const id of engine.races.keys()) {
        if (!c.events.length || c.events.includes(id)) ws.send(JSON.stringify({ type: 'snapshot', seq: engine.seq, event: id, state: engine.snapshot(id) }));
      }
    }
    clients.add(c);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.op === 'ping') ws.send('{"type":"pong"}');
      if (m.op === 'subscribe') { c.events = m.events ?? []; c.types = m.types ?? []; }
    });
    ws.on('close', () => clients.delete(c));
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`mock splitstream on http://127.0.0.1:${port}/ (speed ${speed}x)`);
  play();
});
