// Unit tests for publish/web/js/splitstream.js without a browser or a
// server: the race state it keeps and its reconnect/resume logic, driven by
// a scripted WebSocket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Client, applyEvent, boardPosition, clockNote, raceFromSnapshot, runningOrder, raceClock, formatClock, formatGap,
  splitFrame, delayNote, recentNote, shortName, formatMark, pageParams, entrantLabel, runnerOnLeg, walkCards, isJudgedWalk }
  from '../../publish/web/js/splitstream.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A WebSocket stand-in: records every instance and what it was sent.
class FakeSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.all.push(this);
    queueMicrotask(() => { this.readyState = 1; this.onopen?.(); });
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  deliver(msg) { this.onmessage?.({ data: JSON.stringify(msg) }); }
  close() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code: 1006 }));
  }
}

const athletes = [
  { bib: '1', name: 'Ann A', country: 'GBR' },
  { bib: '2', name: 'Bea B', country: 'NOR' },
  { bib: '3', name: 'Cat C', country: 'KEN' },
];
const ev = (seq, type, payload) => ({ seq, type, event: 'W800-F', ts: '2024-08-06T19:50:00.000Z', src_seq: seq, text: `${type} ${seq}`, ...payload });
const race = [
  ev(1, 'startlist', { name: "Women's 800 metres Final", distance_m: 800, round: 'final', athletes }),
  ev(2, 'race_state', { state: 'started' }),
  ev(3, 'split', { bib: '2', distance_m: 400, elapsed_ms: 57000, position: 1, behind_ms: 0, lap_ms: 57000 }),
  ev(4, 'split', { bib: '1', distance_m: 400, elapsed_ms: 57300, position: 2, behind_ms: 300, lap_ms: 57300 }),
  ev(5, 'split', { bib: '3', distance_m: 400, elapsed_ms: 57310, position: 3, behind_ms: 310, lap_ms: 57310 }),
  ev(6, 'split', { bib: '1', distance_m: 600, elapsed_ms: 86000, position: 1, behind_ms: 0, lap_ms: 28700 }),
  ev(7, 'leader_change', { distance_m: 600, leader: { bib: '1', name: 'Ann A', country: 'GBR' }, previous: { bib: '2', name: 'Bea B', country: 'NOR' }, elapsed_ms: 86000 }),
  ev(8, 'irm', { bib: '3', code: 'DNF', at_m: 500 }),
  ev(9, 'finish', { bib: '1', elapsed_ms: 115201, mark: '1:55.21', place: 1 }),
  ev(10, 'record', { kind: 'NR', bib: '1', mark: '1:55.21', previous: { mark: '1:55.50' }, provisional: true }),
  ev(11, 'finish', { bib: '2', elapsed_ms: 115900, mark: '1:55.90', place: 2 }),
  ev(12, 'race_state', { state: 'finished' }),
  ev(13, 'race_state', { state: 'official' }),
  ev(14, 'results', { official: true, ranking: [
    { place: 1, bib: '1', name: 'Ann A', country: 'GBR', mark: '1:55.21', flags: ['NR'], medal: 'gold' },
    { place: 2, bib: '2', name: 'Bea B', country: 'NOR', mark: '1:55.90', flags: [], medal: 'silver' },
    { place: null, bib: '3', name: 'Cat C', country: 'KEN', mark: 'DNF', flags: [] },
  ] }),
];

// The engine's snapshot of the race after `upTo` (built from the events).
function raceState(upTo) {
  const r = build(upTo);
  return {
    event: 'W800-F', name: r.name, round: r.round, distance_m: r.distance_m, status: r.status,
    athletes: [...r.athletes.values()].map((a) => ({ bib: a.bib, name: a.name, country: a.country, status: a.status,
      finish: a.finish, records: a.flags })),
  };
}

function build(upTo) {
  const r = raceFromSnapshot('W800-F', {}, 0);
  for (const e of race) if (e.seq <= upTo) applyEvent(r, e);
  return r;
}

test('the running order follows the furthest timing point, with gaps and the leader', () => {
  const r = build(5);
  assert.deepEqual(runningOrder(r).map((a) => [a.bib, a.gap_ms]), [['2', 0], ['1', 300], ['3', 310]]);
  assert.equal(r.leader.bib, '2');
  const later = build(7);
  assert.deepEqual(runningOrder(later).map((a) => a.bib), ['1', '2', '3']);
  assert.equal(later.leader.bib, '1');
  assert.equal(later.pointM, 600);
});

test('equal times at a point: the first published leads, as the server says, and both print 1', () => {
  const r = build(2);
  // Cat's time reaches the server first; Ann, earlier in the start list, ties it.
  applyEvent(r, ev(3, 'split', { bib: '3', distance_m: 400, elapsed_ms: 57000, position: 1, behind_ms: 0 }));
  applyEvent(r, ev(4, 'split', { bib: '1', distance_m: 400, elapsed_ms: 57000, position: 1, behind_ms: 0 }));
  applyEvent(r, ev(5, 'split', { bib: '2', distance_m: 400, elapsed_ms: 57200, position: 3, behind_ms: 200 }));
  assert.deepEqual(runningOrder(r).map((a) => [a.bib, a.rank]), [['3', 1], ['1', 1], ['2', 3]]);
  assert.equal(r.leader.bib, '3');
  // A snapshot names the leader but not the arrival order: the leader goes first.
  const snap = raceFromSnapshot('W800-F', {
    event: 'W800-F', distance_m: 800, status: 'started', last_point_m: 400,
    leader: { bib: '3', name: 'Cat C', country: 'KEN' },
    athletes: ['1', '3', '2'].map((bib) => ({
      bib, status: 'OK', records: [],
      last_split: { distance_m: 400, elapsed_ms: bib === '2' ? 57200 : 57000 },
    })),
  }, 5);
  assert.deepEqual(runningOrder(snap).map((a) => a.bib), ['3', '1', '2']);
});

test('DNF goes to the bottom; finishes carry marks and record flags; the clock stops at the winner', () => {
  const r = build(11);
  const order = runningOrder(r);
  assert.deepEqual(order.map((a) => [a.bib, a.status]), [['1', 'ok'], ['2', 'ok'], ['3', 'DNF']]);
  assert.equal(order[0].finish.mark, '1:55.21');
  assert.deepEqual(order[0].flags, ['NR']);
  assert.equal(order[1].gap_ms, 699);
  assert.equal(raceClock(r), 115201);
});

test('official results give places and medals', () => {
  const r = build(14);
  assert.equal(r.status, 'official');
  assert.deepEqual(runningOrder(r).map((a) => [a.bib, a.place, a.medal, a.status]),
    [['1', 1, 'gold', 'ok'], ['2', 2, 'silver', 'ok'], ['3', null, null, 'DNF']]);
});

test('a snapshot as the engine writes it restores the same state', () => {
  const snap = {
    event: 'W800-F', name: "Women's 800 metres Final", distance_m: 800, venue: 'track', round: 'final',
    status: 'started', gun_ts: '2024-08-06T19:50:00.000Z', last_point_m: 600,
    leader: { bib: '1', name: 'Ann A', country: 'GBR' },
    athletes: [
      { bib: '1', name: 'Ann A', country: 'GBR', status: 'OK', order: 1, last_split: { distance_m: 600, elapsed_ms: 86000, position: 1, behind_ms: 0 }, records: [] },
      { bib: '2', name: 'Bea B', country: 'NOR', status: 'OK', order: 2, last_split: { distance_m: 400, elapsed_ms: 57000, position: 1, behind_ms: 0 }, records: [] },
      { bib: '3', name: 'Cat C', country: 'KEN', status: 'DNF', records: [], at_m: 500 },
    ],
  };
  const r = raceFromSnapshot('W800-F', snap, 7);
  assert.deepEqual(runningOrder(r).map((a) => [a.bib, a.status]), [['1', 'ok'], ['2', 'ok'], ['3', 'DNF']]);
  assert.equal(r.leader.bib, '1');
  assert.equal(r.pointM, 600);
  applyEvent(r, ev(11, 'split', { bib: '2', distance_m: 600, elapsed_ms: 86100, position: 2, behind_ms: 100 }));
  assert.equal(runningOrder(r)[1].gap_ms, 100);
});

test('the overlay numbers nobody before the gun: a start list shows lanes or nothing, places come with times (issue 22)', () => {
  const columns = (r) => runningOrder(r).map((a) => [a.bib, boardPosition(a, r)]);
  for (const [bib, shown] of columns(build(2))) {
    assert.equal(shown.place, null, `${bib} has no place before a time`);
    assert.equal(shown.text, '', `${bib}: no lanes in this start list, so nothing`);
  }
  const laned = raceFromSnapshot('W100-F', {}, 0);
  applyEvent(laned, ev(1, 'startlist', { name: "Women's 100 metres Final", distance_m: 100, athletes: [
    { bib: '7', name: 'Zoe Z', country: 'USA', lane: 4 }, { bib: '8', name: 'Amy A', country: 'JAM', lane: 5 }] }));
  assert.deepEqual(columns(laned).map(([bib, s]) => [bib, s.text, s.place]), [['7', '4', null], ['8', '5', null]]);

  // After the first split only those with a time are placed.
  const first = columns(build(3));
  assert.deepEqual(first.map(([bib, s]) => [bib, s.place]), [['2', 1], ['1', null], ['3', null]]);
  // With the results, places are the official ones; a DNF shows its code.
  assert.deepEqual(columns(build(14)).map(([bib, s]) => [bib, s.text]), [['1', '1'], ['2', '2'], ['3', 'DNF']]);
});

test('the pages say whose clock their times are', () => {
  const note = clockNote('Europe/Budapest');
  assert.match(note, /timing system's clock/);
  assert.match(note, /your time zone \(Europe\/Budapest\)/);
});

test('formatting: clock, gaps rounded up to the hundredth', () => {
  assert.equal(formatClock(207785, 2), '3:27.78');
  assert.equal(formatClock(13606, 1), '13.6');
  assert.equal(formatClock(3723456, 0), '1:02:03');
  assert.equal(formatGap(301), '+0.31');
  assert.equal(formatGap(0), '');
});

test('the client resumes with since and epoch, ignores duplicates, and resets on a new epoch', async () => {
  FakeSocket.all = [];
  const seen = [];
  const statuses = [];
  const client = new Client({
    url: 'ws://127.0.0.1:1/v1/stream',
    events: ['W800-F'],
    WebSocket: FakeSocket,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    pingIntervalMs: 0,
    onEvent: (e) => seen.push(e.seq),
    onStatus: (s) => statuses.push(s.status),
  }).connect();
  const first = FakeSocket.all[0];
  assert.match(first.url, /events=W800-F/);
  assert.doesNotMatch(first.url, /since=/);
  first.deliver({ type: 'hello', server: 'splitstream/test', epoch: 'e1', head: 0 });
  for (const e of race.slice(0, 6)) first.deliver(e);
  first.close();
  await sleep(40);
  const second = FakeSocket.all[1];
  assert.ok(second, 'reconnected');
  assert.match(second.url, /since=6&epoch=e1/);
  second.deliver({ type: 'hello', server: 'splitstream/test', epoch: 'e1', head: 9 });
  for (const e of race.slice(4, 9)) second.deliver(e);     // 5 and 6 again, then 7..9
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(client.ignored, 2);
  assert.equal(client.resumes, 1);
  assert.equal(client.state('W800-F').leader.bib, '1');
  assert.ok(statuses.includes('reconnecting') && statuses.at(-1) === 'live');

  // The server restarted with a new epoch: seqs start again from a snapshot.
  second.close();
  await sleep(40);
  const third = FakeSocket.all[2];
  assert.match(third.url, /since=9&epoch=e1/);
  third.deliver({ type: 'hello', server: 'splitstream/test', epoch: 'e2', head: 3 });
  assert.equal(client.lastSeq, 0);
  third.deliver({ type: 'snapshot', seq: 3, event: 'W800-F', state: { event: 'W800-F', name: 'Replayed', status: 'started', athletes } });
  third.deliver(ev(4, 'split', { bib: '3', distance_m: 200, elapsed_ms: 28000, position: 1, behind_ms: 0 }));
  assert.equal(client.state('W800-F').name, 'Replayed');
  assert.equal(client.lastSeq, 4);
  assert.deepEqual(seen.slice(-1), [4]);
  client.close();
  assert.equal(client.status, 'closed');
});

test('stream URLs: recent only on a fresh start, delay, control, batch and token on every connection', async () => {
  FakeSocket.all = [];
  const client = new Client({
    url: 'ws://127.0.0.1:1/v1/stream', WebSocket: FakeSocket, initialBackoffMs: 1, maxBackoffMs: 2, pingIntervalMs: 0,
    events: ['W800-F'], recent: 50, delay: 30, control: 'A', batch: true, token: 'abc',
  }).connect();
  const first = new URL(FakeSocket.all[0].url);
  assert.equal(first.searchParams.get('recent'), '50');
  assert.equal(first.searchParams.get('delay'), '30');
  assert.equal(first.searchParams.get('control'), 'A');
  assert.equal(first.searchParams.get('batch'), '1');
  assert.equal(first.searchParams.get('access_token'), 'abc');
  assert.equal(first.searchParams.get('since'), null);
  assert.equal(client.delayMs, 30000);
  FakeSocket.all[0].deliver({ type: 'hello', epoch: 'e1', head: 7, recent: 0 });
  FakeSocket.all[0].close();
  await sleep(30);
  const second = new URL(FakeSocket.all[1].url);
  assert.equal(second.searchParams.get('recent'), null, 'a resume does not ask for recent events');
  assert.equal(second.searchParams.get('since'), '7');
  assert.equal(second.searchParams.get('delay'), '30', 'the delay holds across reconnections');
  assert.equal(second.searchParams.get('control'), 'A');
  client.close();

  // recent=0, no delay: the old URL.
  FakeSocket.all = [];
  const plain = new Client({ url: 'ws://127.0.0.1:1/v1/stream', WebSocket: FakeSocket, pingIntervalMs: 0, recent: 0, delay: 0 }).connect();
  assert.equal(FakeSocket.all[0].url, 'ws://127.0.0.1:1/v1/stream');
  plain.close();
  // since wins over recent: it asks for more.
  FakeSocket.all = [];
  const since = new Client({ url: 'ws://127.0.0.1:1/v1/stream', WebSocket: FakeSocket, pingIntervalMs: 0, recent: 50, since: 0 }).connect();
  assert.match(FakeSocket.all[0].url, /since=0/);
  assert.doesNotMatch(FakeSocket.all[0].url, /recent=/);
  since.close();
});

test('page parameters: recent, delay and token', () => {
  const p = pageParams('?event=M1500-F&recent=0&delay=7&token=t1');
  assert.deepEqual([p.events, p.recent, p.delay, p.token], [['M1500-F'], 0, 7, 't1']);
  const q = pageParams('?event=M1500-F');
  assert.deepEqual([q.recent, q.delay, q.token], [null, null, null]);
});

test('a batched frame carries several messages, one per line, applied in order', () => {
  assert.deepEqual(splitFrame('{"a":1}'), ['{"a":1}']);
  assert.deepEqual(splitFrame('{"a":1}\n{"b":"x\\ny"}\n{"c":3}'), ['{"a":1}', '{"b":"x\\ny"}', '{"c":3}']);
  FakeSocket.all = [];
  const seen = [];
  const client = new Client({ url: 'ws://127.0.0.1:1/v1/stream', WebSocket: FakeSocket, pingIntervalMs: 0, batch: true,
    onEvent: (e) => seen.push(e.seq) }).connect();
  const ws = FakeSocket.all[0];
  // The hello, a snapshot and events in one frame, as a batching server may send them.
  const frame = [{ type: 'hello', epoch: 'e', head: 0 }, ...race.slice(0, 7)].map((m) => JSON.stringify(m)).join('\n');
  ws.onmessage({ data: frame });
  ws.onmessage({ data: race.slice(5, 9).map((m) => JSON.stringify(m)).join('\n') });   // 6, 7 again
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(client.ignored, 2);
  assert.equal(client.state('W800-F').leader.bib, '1');
  client.close();
});

test('control frames: each change reaches onControl, an older revision never wins, they carry no seq', () => {
  FakeSocket.all = [];
  const controls = [];
  const client = new Client({ url: 'ws://127.0.0.1:1/v1/stream', WebSocket: FakeSocket, pingIntervalMs: 0, control: 'A',
    onControl: (c) => controls.push([c.rev, c.view, c.on_air]) }).connect();
  const ws = FakeSocket.all[0];
  ws.deliver({ type: 'hello', epoch: 'e', head: 3 });
  ws.deliver({ type: 'control', channel: 'A', rev: 4, on_air: true, event: 'W800-F', view: 'running', options: {} });
  ws.deliver({ type: 'control', channel: 'A', rev: 5, on_air: true, event: 'W800-F', view: 'results', options: {} });
  ws.deliver({ type: 'control', channel: 'A', rev: 3, on_air: false, event: 'W800-F', view: 'startlist', options: {} });
  assert.deepEqual(controls, [[4, 'running', true], [5, 'results', true]]);
  assert.equal(client.control.view, 'results');
  assert.equal(client.lastSeq, 0, 'a control frame is not a derived event');
  assert.equal(client.received, 0);
  client.close();
});

test('recent events: shown once as headlines, state from the snapshot, live events after', () => {
  // A server may send the recent events with the snapshots, or (as
  // splitstream does) instead of them, as a resume from before them.
  for (const order of ['events first', 'snapshot first', 'no snapshot']) {
    FakeSocket.all = [];
    const seen = [];
    const client = new Client({ url: 'ws://127.0.0.1:1/v1/stream', WebSocket: FakeSocket, pingIntervalMs: 0, recent: 3,
      onEvent: (e) => seen.push([e.seq, !!e.recent]) }).connect();
    const ws = FakeSocket.all[0];
    ws.deliver({ type: 'hello', epoch: 'e', head: 9, recent: 3, resume: order === 'no snapshot' });
    const snap = { type: 'snapshot', seq: 9, event: 'W800-F', state: raceState(9) };
    if (order === 'snapshot first') ws.deliver(snap);
    for (const e of race.slice(6, 9)) ws.deliver(e);   // 7, 8, 9
    if (order === 'events first') ws.deliver(snap);
    ws.deliver(race[9]);                                 // 10: live
    ws.deliver(race[8]);                                 // 9 again: a duplicate
    assert.deepEqual(seen, [[7, true], [8, true], [9, true], [10, false]], order);
    assert.equal(client.recent, 3);
    const r = client.state('W800-F');
    assert.equal(r.athletes.get('1').finish.mark, '1:55.21', order);
    assert.deepEqual(r.athletes.get('1').flags, ['NR'], `${order}: the record is applied once`);
    assert.equal(client.lastSeq, 10);
    client.close();
  }
});

test('helpers for the pages: notes, family names, marks', () => {
  assert.equal(delayNote(30), '30 s delay');
  assert.equal(delayNote(0), '');
  assert.equal(delayNote(null), '');
  assert.equal(recentNote(50, 50), 'Showing the last 50 headlines');
  assert.equal(recentNote(12, 50), 'All 12 headlines so far');
  assert.equal(recentNote(0, 50), 'No headlines yet');
  assert.equal(shortName('Josh KERR'), 'Kerr');
  assert.equal(shortName('Narve Gilje NORDÅS'), 'Nordås');
  assert.equal(shortName('Mario GARCÍA'), 'García');
  assert.equal(formatMark(212070), '3:32.07');
  assert.equal(formatMark(209371), '3:29.38');
});

test('a broadcast delay: the race clock runs that far behind the timing system, agreeing with the events', () => {
  const r = build(2);   // started
  const gun = Date.parse('2024-08-06T19:50:00.000Z');
  r.gunTs = '2024-08-06T19:50:00.000Z';
  r.delayMs = 7000;
  // The started event arrived 7 s after its ts (the delay), as live events do.
  r.tsSkewMs = 7000;
  r.gunLocalMs = gun + 7000;
  assert.equal(raceClock(r, gun + 17000), 10000, '17 s after the gun, 7 s delay: the clock shows 10 s');
  r.delayMs = 0;
  r.tsSkewMs = 20;
  assert.equal(raceClock(r, gun + 17000), 16980);
});

test('drop(holdMs) keeps the client offline at least that long', async () => {
  FakeSocket.all = [];
  const client = new Client({ url: 'ws://127.0.0.1:1/v1/stream', WebSocket: FakeSocket, initialBackoffMs: 1, pingIntervalMs: 0 }).connect();
  FakeSocket.all[0].deliver({ type: 'hello', epoch: 'e', head: 0 });
  const t0 = Date.now();
  client.drop(120);
  FakeSocket.all[0].close();
  await sleep(60);
  assert.equal(FakeSocket.all.length, 1, 'still offline');
  await sleep(120);
  assert.equal(FakeSocket.all.length, 2, 'reconnected after the hold');
  assert.ok(Date.now() - t0 >= 120);
  client.close();
});

// The reference race through the real engine (`splitstream process`), then
// through the client: what the overlay would show matches the officials.
test('the reference race, derived by the engine, gives the official podium, records and leaders', (t) => {
  const binary = process.env.SPLITSTREAM_BINARY;
  const feed = new URL('../../../shared/data/feeds/budapest-2023-men-1500m-final.jsonl', import.meta.url).pathname;
  const expectedFile = feed.replace('.jsonl', '.expected.json');
  if (!binary || !fs.existsSync(binary) || !fs.existsSync(feed)) {
    t.skip('needs SPLITSTREAM_BINARY and shared/data');
    return;
  }
  const out = execFileSync(binary, ['process', '--quiet', feed], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const events = out.trim().split('\n').map((l) => JSON.parse(l));
  const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8'));
  const r = raceFromSnapshot(expected.event, {}, 0);
  const leaders = {};
  for (const e of events) {
    if (e.event !== expected.event) continue;
    applyEvent(r, e);
    if (e.type === 'split') leaders[e.distance_m] = runningOrder(r)[0].bib;
  }
  for (const [at, bib] of Object.entries(expected.leaders_at)) assert.equal(leaders[at], bib, `leader at ${at} m`);
  assert.equal(r.status, 'official');
  const order = runningOrder(r);
  assert.deepEqual(order.map((a) => [a.bib, a.place, a.finish.mark]),
    expected.official_ranking.map((x) => [x.bib, x.place, x.mark]));
  assert.deepEqual(order.slice(0, 3).map((a) => a.medal), ['gold', 'silver', 'bronze']);
  for (const rec of [...expected.records, ...expected.pb_sb]) {
    assert.ok(r.athletes.get(rec.bib).flags.includes(rec.kind), `${rec.kind} for ${rec.bib}`);
  }
  for (const bib of expected.no_pb_sb) assert.deepEqual(r.athletes.get(bib).flags, [], `no flag for ${bib}`);
  assert.equal(raceClock(r), order[0].finish.elapsed_ms);
});

// TR 20: a heat's results print Q/q beside the qualifiers; a re-issued
// results (a correction of who goes through) replaces the marks.
test('a heat keeps the Q/q of its results, and a re-issue replaces them', () => {
  const heat = raceFromSnapshot('M800-H1', { event: 'M800-H1', name: "Men's 800 metres Heat 1", round: 'heat', heat: 1, distance_m: 800, athletes });
  const rows = (q1, q2) => [
    { place: 1, bib: '1', name: 'Ann A', country: 'GBR', mark: '1:45.10', flags: [], ...(q1 ? { qualified: q1 } : {}) },
    { place: 2, bib: '2', name: 'Bea B', country: 'NOR', mark: '1:45.30', flags: [], ...(q2 ? { qualified: q2 } : {}) },
    { place: null, bib: '3', name: 'Cat C', country: 'KEN', mark: 'DNF', flags: [] },
  ];
  applyEvent(heat, { seq: 1, type: 'results', event: 'M800-H1', official: false, ranking: rows('Q', 'q') });
  assert.deepEqual(['1', '2', '3'].map((b) => heat.athletes.get(b).qualified), ['Q', 'q', null]);
  applyEvent(heat, { seq: 2, type: 'results', event: 'M800-H1', official: true, ranking: rows('Q', null) });
  assert.deepEqual(['1', '2', '3'].map((b) => heat.athletes.get(b).qualified), ['Q', null, null]);
});

test('a relay team shows the runner on its current leg while it runs, its four runners before and after (TR 24)', () => {
  const runners = (names) => names.map((name, i) => ({ leg: i + 1, name }));
  const teams = [
    { bib: 'USA', name: 'United States', country: 'USA', runners: runners(['Christopher BAILEY', 'Vernon NORWOOD', 'Bryce DEADMON', 'Rai BENJAMIN']) },
    { bib: 'BOT', name: 'Botswana', country: 'BOT', runners: runners(['Bayapo NDORI', 'Busang Collen KEBINATSHIPI', 'Anthony PESELA', 'Letsile TEBOGO']) },
  ];
  const relayEv = (seq, type, payload) => ({ seq, type, event: 'M4X400-F', ts: '2024-08-10T19:14:00.000Z', src_seq: seq, text: `${type} ${seq}`, ...payload });
  const r = raceFromSnapshot('M4X400-F', {}, 0);
  applyEvent(r, relayEv(1, 'startlist', { name: "Men's 4 x 400 metres Relay Final", distance_m: 1600, round: 'final', athletes: teams }));
  const usa = r.athletes.get('USA');
  const bot = r.athletes.get('BOT');
  assert.equal(entrantLabel(r, usa), 'United States (Bailey, Norwood, Deadmon, Benjamin)', 'before the gun: the declared team');
  applyEvent(r, relayEv(2, 'race_state', { state: 'started' }));
  assert.equal(runnerOnLeg(r, usa).name, 'Christopher BAILEY', 'not yet timed: leg 1');
  applyEvent(r, relayEv(3, 'split', { bib: 'USA', distance_m: 800, elapsed_ms: 87710, position: 1, behind_ms: 0, lap_ms: 87710 }));
  applyEvent(r, relayEv(4, 'split', { bib: 'BOT', distance_m: 600, elapsed_ms: 65100, position: 1, behind_ms: 0, lap_ms: 65100 }));
  assert.equal(entrantLabel(r, usa), 'United States · leg 3 Deadmon', 'a changeover hands over to the next leg');
  assert.equal(entrantLabel(r, bot), 'Botswana · leg 2 Kebinatshipi', 'between changeovers: the runner on that leg');
  applyEvent(r, relayEv(5, 'finish', { bib: 'USA', elapsed_ms: 174430, mark: '2:54.43', place: 1 }));
  assert.equal(runnerOnLeg(r, usa), null, 'finished: nobody on a leg');
  assert.equal(entrantLabel(r, usa), 'United States (Bailey, Norwood, Deadmon, Benjamin)');

  // The engine's snapshot carries the runners too.
  const s = raceFromSnapshot('M4X400-F', { event: 'M4X400-F', distance_m: 1600, status: 'started',
    athletes: [{ ...teams[1], status: 'OK', last_split: { distance_m: 1200, elapsed_ms: 131490, position: 1, behind_ms: 0 } }] });
  assert.equal(entrantLabel(s, s.athletes.get('BOT')), 'Botswana · leg 4 Tebogo');
});

// A race walk (docs/protocol.md, Race walking): cards, the Penalty Zone and
// the Chief Judge's DQ as the running order shows them, live and from a
// snapshot.
test('a walk keeps each walker\'s cards and Penalty Zone, and a DQ leaves the running order', () => {
  const wev = (seq, type, payload) => ({ seq, type, event: 'M20KW-F', ts: '2023-08-19T06:00:00.000Z', text: `${type} ${seq}`, ...payload });
  const walkers = [{ bib: '1', name: 'Ann A', country: 'SWE' }, { bib: '2', name: 'Bo B', country: 'ESP' }, { bib: '3', name: 'Cy C', country: 'BRA' }];
  const r = raceFromSnapshot('M20KW-F', {}, 0);
  const events = [
    wev(1, 'startlist', { name: "Men's 20km Race Walk", distance_m: 20000, venue: 'road', round: 'final', athletes: walkers, penalty_zone: true,
      judges: [{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }] }),
    wev(2, 'race_state', { state: 'started' }),
    wev(3, 'split', { bib: '3', distance_m: 1000, elapsed_ms: 230000, position: 1, behind_ms: 0 }),
    wev(4, 'split', { bib: '1', distance_m: 1000, elapsed_ms: 231000, position: 2, behind_ms: 1000 }),
    wev(5, 'split', { bib: '2', distance_m: 1000, elapsed_ms: 232000, position: 3, behind_ms: 2000 }),
    wev(6, 'card', { bib: '1', judge: '2', offence: '~', kind: 'yellow', red_cards: 0 }),
    ...['1', '2', '3'].map((j, i) => wev(7 + i, 'card', { bib: '2', judge: j, offence: i ? '>' : '~', kind: 'red', red_cards: i + 1 })),
    wev(10, 'penalty_zone', { bib: '2', state: 'due', penalty_ms: 120000 }),
  ];
  for (const e of events) applyEvent(r, e);
  assert.ok(isJudgedWalk(r));
  assert.deepEqual(walkCards(r.athletes.get('2')), { red: ['~', '>', '>'], yellow: [], penalty: 'due' });
  assert.deepEqual(walkCards(r.athletes.get('1')), { red: [], yellow: ['~'], penalty: null }, 'a caution is shown, with no effect');
  applyEvent(r, wev(11, 'penalty_zone', { bib: '2', state: 'entered', penalty_ms: 120000, entered_ms: 300000 }));
  assert.equal(walkCards(r.athletes.get('2')).penalty, 'entered');
  applyEvent(r, wev(12, 'penalty_zone', { bib: '2', state: 'left', penalty_ms: 120000, entered_ms: 300000, left_ms: 420000 }));
  assert.equal(walkCards(r.athletes.get('2')).penalty, null, 'served');
  applyEvent(r, wev(13, 'card', { bib: '3', judge: '4', offence: '>', kind: 'red', red_cards: 1 }));
  for (const [i, j] of ['1', '2', '3'].entries()) applyEvent(r, wev(14 + i, 'card', { bib: '3', judge: j, offence: '~', kind: 'red', red_cards: i + 2 }));
  applyEvent(r, wev(17, 'irm', { bib: '3', code: 'DQ', rule: 'TR 54.7.3', reason: '4 red cards' }));
  const order = runningOrder(r);
  assert.deepEqual(order.map((a) => a.bib), ['1', '2', '3'], 'the DQ\'d leader drops to the bottom');
  assert.equal(boardPosition(order[2], r).text, 'DQ');
  assert.equal(order[2].irm.rule, 'TR 54.7.3');

  // The same from a snapshot (GET /v1/events/{id}).
  const snap = raceFromSnapshot('M20KW-F', { event: 'M20KW-F', status: 'started', distance_m: 20000, athletes: [
    { bib: '2', name: 'Bo B', country: 'ESP', status: 'OK', red_cards: 3,
      cards: [{ judge: '1', offence: '~', kind: 'red' }, { judge: '2', offence: '>', kind: 'red' }, { judge: '3', offence: '>', kind: 'red' }],
      penalty_zone: { state: 'entered', penalty_ms: 120000, entered_ms: 300000 } },
    { bib: '3', name: 'Cy C', country: 'BRA', status: 'DQ', rule: 'TR 54.7.3', cards: [{ judge: '4', offence: '>', kind: 'red' }] },
  ] }, 20);
  assert.deepEqual(walkCards(snap.athletes.get('2')), { red: ['~', '>', '>'], yellow: [], penalty: 'entered' });
  assert.deepEqual(walkCards(snap.athletes.get('3')).red, ['>']);
});

test('a false start disqualifies its athlete (TR 16.8) and reaction times reach the results; a recall voids the others', () => {
  const hurdles = (seq, type, payload) => ({ ...ev(seq, type, payload), event: 'M110H-F' });
  const r = raceFromSnapshot('M110H-F', {}, 0);
  for (const e of [
    hurdles(1, 'startlist', { name: "Men's 110 metres Hurdles Final", distance_m: 110, round: 'final', athletes }),
    hurdles(2, 'race_state', { state: 'started' }),
    hurdles(3, 'false_start', { bib: '2', reaction_ms: 99, reaction: '0.099', outcome: 'dq', rule: 'TR16.8' }),
    hurdles(4, 'race_state', { state: 'recalled' }),
  ]) applyEvent(r, e);
  const allen = r.athletes.get('2');
  assert.equal(allen.status, 'DQ');
  assert.deepEqual(allen.irm, { code: 'DQ', rule: 'TR16.8', reason: 'false start' });
  assert.equal(allen.reaction, '0.099', 'the false starter keeps the reading that put him out');
  assert.equal(runningOrder(r).at(-1).bib, '2', 'out of the race: last');

  applyEvent(r, hurdles(5, 'results', { official: true, ranking: [
    { place: 1, bib: '1', name: 'Ann A', country: 'GBR', mark: '13.03', flags: [], medal: 'gold', reaction_ms: 135, reaction: '0.135' },
    { place: 2, bib: '3', name: 'Cat C', country: 'KEN', mark: '13.08', flags: [], medal: 'silver', reaction_ms: 144, reaction: '0.144' },
    { place: null, bib: '2', name: 'Bea B', country: 'NOR', mark: 'DQ', flags: [], rule: 'TR16.8', reaction_ms: 99, reaction: '0.099' },
  ] }));
  assert.deepEqual(runningOrder(r).map((a) => [a.bib, a.reaction]), [['1', '0.135'], ['3', '0.144'], ['2', '0.099']]);

  const warned = raceFromSnapshot('DEC-110H', {}, 0);
  applyEvent(warned, hurdles(1, 'startlist', { name: 'Decathlon 110m Hurdles', distance_m: 110, round: 'heat', athletes }));
  applyEvent(warned, hurdles(2, 'false_start', { bib: '3', reaction_ms: 92, reaction: '0.092', outcome: 'warning', rule: 'TR39.8.3' }));
  assert.equal(warned.athletes.get('3').status, 'ok', 'TR 39.8.3: the first false start of a combined event is a warning');
  applyEvent(warned, hurdles(3, 'race_state', { state: 'recalled' }));
  assert.equal(warned.athletes.get('3').reaction, null, 'a recall voids the reading of an athlete still in the race');

  const restored = raceFromSnapshot('M110H-F', { event: 'M110H-F', status: 'started', athletes: [
    { bib: '2', name: 'Bea B', country: 'NOR', status: 'DQ', rule: 'TR16.8', reason: 'false start', reaction_ms: 99, reaction: '0.099' },
  ] });
  assert.equal(restored.athletes.get('2').reaction, '0.099');
  assert.equal(restored.athletes.get('2').irm.rule, 'TR16.8');
});
