// Browser tests for the pages in publish/web/: the ticker, the graphics
// overlay and the event list, in headless Chromium against a running daemon
// fed by the simulator on 127.0.0.1. They assert what a viewer sees.
//
//   SPLITSTREAM_BINARY=/path/to/splitstream node --test tests/web/
//
// Environment:
//   SPLITSTREAM_BINARY     the splitstream executable (set by CTest)
//   SPLITSTREAM_SIM_ARGS   extra arguments for `splitstream sim` (optional)
//   SPLITSTREAM_WEB_MOCK=1 run against tests/web/mock-server.mjs instead
//   CHROMIUM               the browser (default /usr/bin/chromium)
// Installs its npm dependencies (install-deps.mjs) when they are missing. It
// fails, never skips, when there is no chromium.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installDeps } from './install-deps.mjs';
import { Children, freePort, log, sleep, waitFor } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const artifacts = path.join(here, 'artifacts');
const screenshots = path.join(root, 'docs', 'screenshots');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const useMock = process.env.SPLITSTREAM_WEB_MOCK === '1';
const binary = process.env.SPLITSTREAM_BINARY ?? path.join(root, 'build', 'tools', 'splitstream', 'splitstream');
const expectedPath = path.resolve(root, '../shared/data/feeds/budapest-2023-men-1500m-final.expected.json');
const RACE_TIMEOUT_MS = Number(process.env.SPLITSTREAM_WEB_RACE_TIMEOUT_MS ?? 180000);
// Every wait is bounded by this; generous, as a loaded 2-core CI machine can
// be slow to start Chromium or the daemon. Passing runs never wait this long.
const WAIT_MS = Number(process.env.SPLITSTREAM_WEB_WAIT_MS ?? 60000);
const TICKER_HIDDEN = new Set();   // the test's ticker shows every type (`hide=`)

// ------------------------------------------------------------ preparation

installDeps();   // CTest's fixture web_deps has done it; this is for runs by hand
if (!fs.existsSync(chromiumPath)) {
  // No skip: a run without a browser would pass without checking anything.
  throw new Error(`no browser at ${chromiumPath}: install Debian's chromium (SPLITSTREAM_WITH_BROWSER=1 bash tools/setup.sh) or set CHROMIUM`);
}

const { chromium } = await import('playwright-core');
const { default: WebSocket } = await import('ws');

// ------------------------------------------------------------ helpers

// Whatever ends this process, the daemon and the simulator end with it.
const children = new Children(artifacts);
const start = (name, cmd, args) => children.start(name, cmd, args);
const stopAll = () => children.stopAll();

// The `--help` text of a subcommand, to pass the options this build has.
function helpOf(sub) {
  try {
    return execFileSync(binary, [sub, '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    return `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
}

async function httpReady(base) {
  const dead = children.dead();
  if (dead) throw new Error(dead);
  const res = await fetch(`${base}/v1/events`);
  return res.ok;
}

// A plain WebSocket subscriber: the reference list of what the daemon sent.
function subscribe(url) {
  const ws = new WebSocket(url);
  const sub = { ws, hello: null, events: [], snapshots: [], closed: false };
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    if (msg.type === 'hello') sub.hello = msg;
    else if (msg.type === 'snapshot') sub.snapshots.push(msg);
    else if (msg.type !== 'pong') sub.events.push({ ...msg, receivedAt: Date.now() });
  });
  ws.on('close', () => { sub.closed = true; });
  sub.opened = new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  return sub;
}

// The running order implied by split/finish/irm events up to `seq`:
// finishers by time, then furthest point and time there; DNF/DQ/DNS last.
// Equal times at a point: the split the server published first leads, as its
// leader_change says (both splits carry position 1).
function expectedOrder(events, eventId, seq) {
  const byBib = new Map();
  const get = (bib) => byBib.get(bib) ?? byBib.set(bib, { bib, d: -1, t: 0, s: 0, fin: null, place: null, out: null }).get(bib);
  // Equal finish times keep the start-list order.
  const startlist = events.filter((e) => e.type === 'startlist' && e.event === eventId && e.seq <= seq).at(-1);
  const index = new Map((startlist?.athletes ?? []).map((a, i) => [a.bib, i]));
  for (const e of events) {
    if (e.seq > seq || e.event !== eventId) continue;
    if (e.type === 'race_state' && (e.state === 'started' || e.state === 'recalled')) byBib.clear();
    if (e.type === 'split') Object.assign(get(e.bib), { d: e.distance_m, t: e.elapsed_ms, s: e.seq });
    if (e.type === 'finish') Object.assign(get(e.bib), { fin: e.elapsed_ms, place: e.place ?? null });
    if (e.type === 'correction' && e.after && 'elapsed_ms' in e.after && e.after.elapsed_ms !== null) get(e.bib).fin = e.after.elapsed_ms;
    if (e.type === 'correction' && e.after && Number.isFinite(e.after.place)) get(e.bib).place = e.after.place;
    if (e.type === 'irm') get(e.bib).out = e.code === 'OK' ? null : e.code;
  }
  const racing = [...byBib.values()].filter((a) => !a.out && (a.d >= 0 || a.fin !== null));
  racing.sort((a, b) => {
    if ((a.fin !== null) !== (b.fin !== null)) return a.fin !== null ? -1 : 1;
    // Equal thousandths: the judges' place decides, as the server's does.
    if (a.fin !== null) return a.fin - b.fin || (a.place ?? Infinity) - (b.place ?? Infinity) || (index.get(a.bib) ?? 0) - (index.get(b.bib) ?? 0);
    return b.d - a.d || a.t - b.t || a.s - b.s;
  });
  return racing.map((a) => a.bib);
}

// What the overlay shows, read in one turn of the page's event loop.
async function readOverlay(page) {
  return page.evaluate(() => {
    const board = document.getElementById('board');
    const rows = [...document.querySelectorAll('#rows .row')].map((r) => ({
      bib: r.dataset.bib,
      pos: Number(r.dataset.pos),
      place: r.dataset.place ? Number(r.dataset.place) : null,
      status: r.dataset.status,
      leader: r.dataset.leader === 'true',
      medal: r.dataset.medal ?? null,
      flags: r.dataset.flags ?? '',
      value: r.querySelector('.value')?.textContent ?? '',
      transform: r.style.transform,
      height: r.offsetHeight,
    })).sort((a, b) => a.pos - b.pos);
    return {
      seq: Number(board.dataset.seq ?? 0),
      state: board.dataset.state,
      point: board.dataset.point ? Number(board.dataset.point) : null,
      leader: board.dataset.leader ?? null,
      name: document.getElementById('name').textContent,
      sub: document.getElementById('sub').textContent,
      clock: document.getElementById('clock').textContent,
      rows,
    };
  });
}

async function readTicker(page) {
  return page.evaluate(() => ({
    status: document.getElementById('status').dataset.status,
    notes: document.querySelectorAll('#lines > li.note').length,
    lines: [...document.querySelectorAll('#lines > li[data-seq]')].map((li) => ({
      seq: Number(li.dataset.seq),
      type: li.dataset.type,
      text: li.querySelector('.text').textContent,
      highlighted: getComputedStyle(li).borderLeftColor !== 'rgba(0, 0, 0, 0)',
      classes: li.className,
    })),
    client: {
      resumes: window.splitstream.resumes,
      connections: window.splitstream.connections,
      ignored: window.splitstream.ignored,
      lastSeq: window.splitstream.lastSeq,
      firstHead: window.splitstream.firstHead,
      connectedAt: window.splitstream.connectedAt,
    },
  }));
}

// ------------------------------------------------------------ the scenario

const run = {
  base: null, eventId: null, reference: null, history: null,
  overlaySamples: [], drop: null, tickerFirstHead: null, errors: [],
};
let browser;

async function newPage(options) {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(WAIT_MS);   // goto, evaluate, screenshot
  return page;
}
let tickerPage;
let graphicsPage;

describe('web pages in a real browser', () => {
  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    fs.mkdirSync(screenshots, { recursive: true });
    const httpPort = await freePort();
    run.base = `http://127.0.0.1:${httpPort}`;
    if (useMock) {
      start('mock', process.execPath, [path.join(here, 'mock-server.mjs'), '--port', String(httpPort), '--speed', '8']);
    } else {
      assert.ok(fs.existsSync(binary), `splitstream binary not found at ${binary} (set SPLITSTREAM_BINARY)`);
      const simPort = await freePort();
      const simArgs = (process.env.SPLITSTREAM_SIM_ARGS ?? '').split(' ').filter(Boolean);
      const simHelp = helpOf('sim');
      if (!simArgs.includes('--speed') && /--speed\b/.test(simHelp)) simArgs.push('--speed', process.env.SPLITSTREAM_WEB_SIM_SPEED ?? '8');
      start('sim', binary, ['sim', '--serve', `127.0.0.1:${simPort}`, ...simArgs]);
      await sleep(300);
      const serveArgs = ['serve', '--upstream', `ws://127.0.0.1:${simPort}/`, '--listen', `127.0.0.1:${httpPort}`];
      const webOption = helpOf('serve').match(/(--web[-_a-z]*)/)?.[1];
      if (webOption) serveArgs.push(webOption, path.join(root, 'publish', 'web'));
      start('serve', binary, serveArgs);
    }
    await waitFor('the daemon to answer /v1/events', async () => {
      try {
        return await httpReady(run.base);
      } catch (err) {
        if (/exited/.test(err.message)) throw Object.assign(new Error(err.message), { fatal: true });
        return false;
      }
    }, WAIT_MS, 150);

    // The reference subscriber: every event, from the start of the history.
    const wsBase = run.base.replace('http:', 'ws:');
    run.reference = subscribe(`${wsBase}/v1/stream?since=0`);
    await run.reference.opened;

    run.eventId = await waitFor('an event to be defined', async () => {
      const list = await (await fetch(`${run.base}/v1/events`)).json();
      const events = Array.isArray(list) ? list : list.events ?? [];
      return events[0]?.event ?? events[0]?.id ?? null;
    }, WAIT_MS, 100);
    log(`event ${run.eventId}`);

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      timeout: 2 * WAIT_MS,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      // playwright gives every launch a fresh temporary user-data-dir.
    });
    const onError = (name) => (err) => run.errors.push(`${name}: ${err.message ?? err}`);
    tickerPage = await newPage({ viewport: { width: 900, height: 1100 } });
    tickerPage.on('pageerror', onError('ticker'));
    graphicsPage = await newPage({ viewport: { width: 1920, height: 1080 } });
    graphicsPage.on('pageerror', onError('graphics'));
    await Promise.all([
      tickerPage.goto(`${run.base}/ticker?max=5000&hide=&recent=0`),
      graphicsPage.goto(`${run.base}/graphics?event=${encodeURIComponent(run.eventId)}`),
    ]);
    await waitFor('both pages to go live', async () => {
      const a = await tickerPage.evaluate(() => window.splitstream?.status);
      const b = await graphicsPage.evaluate(() => window.splitstream?.status);
      return a === 'live' && b === 'live';
    }, WAIT_MS);
    run.tickerFirstHead = await tickerPage.evaluate(() => window.splitstream.firstHead);

    // Through the race: sample the overlay; drop both pages' sockets once
    // the first leader change is out, and keep them offline long enough for
    // events to be published meanwhile (they must come back by `since`).
    const started = Date.now();
    let dropped = false;
    let midShot = false;
    for (;;) {
      const ref = run.reference.events;
      const official = ref.find((e) => e.type === 'results' && e.official && e.event === run.eventId);
      if (official) break;
      if (Date.now() - started > RACE_TIMEOUT_MS) throw new Error('the race did not reach official results in time');
      run.overlaySamples.push(await readOverlay(graphicsPage));
      const splits = ref.filter((e) => e.type === 'split' && e.event === run.eventId).length;
      if (!dropped && ref.some((e) => e.type === 'leader_change' && e.event === run.eventId)) {
        dropped = true;
        const beforeSeq = ref.at(-1).seq;
        await Promise.all([tickerPage, graphicsPage].map((p) => p.evaluate(() => window.splitstreamTestDrop(2000))));
        run.drop = { beforeSeq, at: Date.now() };
        log(`dropped both pages' connections after seq ${beforeSeq}`);
      }
      if (dropped && !midShot && splits > 60 && await graphicsPage.evaluate(() => window.splitstream.status === 'live')) {
        midShot = true;
        await graphicsPage.screenshot({ path: path.join(artifacts, 'graphics-running.png'), omitBackground: true, animations: 'disabled' });
        await tickerPage.screenshot({ path: path.join(artifacts, 'ticker-all-types.png') });
      }
      await sleep(150);
    }
    const ref = run.reference.events;
    // The pages subscribe to one event of a multi-event session: they catch
    // up when they have that event's last derived event.
    const last = ref.filter((e) => e.event === run.eventId).at(-1).seq;
    if (run.drop) {
      run.drop.resumedSeq = Math.min(...ref.filter((e) => e.seq > run.drop.beforeSeq).map((e) => e.seq));
    }
    await waitFor('both pages to catch up with the stream', async () => {
      const a = await tickerPage.evaluate(() => window.splitstream.lastSeq);
      const b = await graphicsPage.evaluate(() => window.splitstream.lastSeq);
      return a >= last && b >= last;
    }, WAIT_MS);
    await sleep(800);   // let row transitions settle before screenshots
    run.finalOverlay = await readOverlay(graphicsPage);
    run.finalTicker = await readTicker(tickerPage);

    // The whole history again, on a fresh connection, as the ground truth.
    run.history = subscribe(`${wsBase}/v1/stream?since=0&epoch=${encodeURIComponent(run.reference.hello.epoch)}`);
    await run.history.opened;
    await waitFor('the history replay', () => run.history.events.some((e) => e.seq >= last) || run.history.snapshots.length > 0, WAIT_MS);

    await graphicsPage.screenshot({ path: path.join(artifacts, 'graphics-results.png'), omitBackground: true, animations: 'disabled' });
    await graphicsPage.goto(`${run.base}/graphics?event=${encodeURIComponent(run.eventId)}&bg=%23223344`);
    await waitFor('the overlay after a reload', async () => (await readOverlay(graphicsPage)).rows.some((r) => r.medal), WAIT_MS);
    await sleep(500);
    await graphicsPage.screenshot({ path: path.join(artifacts, 'graphics-results-preview.png'), animations: 'disabled' });
    await tickerPage.screenshot({ path: path.join(artifacts, 'ticker-all-types-final.png') });
    // The ticker as a reader gets it by default (no split lines), whole race.
    const reader = await newPage({ viewport: { width: 900, height: 1100 } });
    await reader.goto(`${run.base}/ticker?event=${encodeURIComponent(run.eventId)}&since=0`);
    await waitFor('the reader ticker', () => reader.evaluate(() => document.querySelector('#lines > li[data-type="results"]') !== null), WAIT_MS);
    await reader.screenshot({ path: path.join(artifacts, 'ticker.png') });
    await reader.close();
  });

  after(async () => {
    // What the daemon sent, to read beside the screenshots when a test fails.
    if (run.reference) {
      fs.writeFileSync(path.join(artifacts, 'stream.jsonl'),
        run.reference.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    }
    try { run.reference?.ws.close(); } catch { /* closed */ }
    try { run.history?.ws.close(); } catch { /* closed */ }
    await browser?.close();
    await stopAll();
  });

  // Lines the ticker must show: every non-hidden event after its first head,
  // up to the last it had applied when read. The session goes on after the
  // race (other events), so later ones may not have reached the page yet.
  function tickerTruth() {
    const { firstHead, lastSeq } = run.finalTicker.client;
    const all = run.history.events.length ? run.history.events : run.reference.events;
    return all.filter((e) => e.seq > firstHead && e.seq <= lastSeq && !TICKER_HIDDEN.has(e.type));
  }

  test('the ticker shows leader changes and records in order, newest first', () => {
    const lines = run.finalTicker.lines;
    const seqs = lines.map((l) => l.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'lines are newest first');
    const truth = tickerTruth();
    for (const type of ['leader_change', 'record']) {
      const want = truth.filter((e) => e.type === type);
      const got = lines.filter((l) => l.type === type).reverse();
      assert.deepEqual(got.map((l) => l.text), want.map((e) => e.text), `${type} lines`);
      assert.ok(got.every((l) => l.highlighted || type === 'leader_change'), `${type} lines are highlighted`);
    }
    assert.ok(truth.some((e) => e.type === 'leader_change'), 'the race had a leader change');
    assert.ok(truth.some((e) => e.type === 'record'), 'the race had a record or PB');
    assert.ok(lines.some((l) => l.type === 'results'), 'the results line is shown');
  });

  test('after a dropped connection the ticker resumes with no duplicate and no missing line', () => {
    assert.ok(run.drop, 'the connection was dropped during the race');
    const { lines, client } = run.finalTicker;
    assert.ok(client.resumes >= 1, `the page resumed with since (resumes=${client.resumes})`);
    assert.equal(run.finalTicker.notes, 0, 'no "missed updates" note: the resume covered the gap');
    const seqs = lines.map((l) => l.seq);
    assert.equal(new Set(seqs).size, seqs.length, 'no duplicate line');
    const truth = tickerTruth();
    assert.deepEqual([...seqs].reverse(), truth.map((e) => e.seq), 'every line, once, in order');
    assert.deepEqual([...lines].reverse().map((l) => l.text), truth.map((e) => e.text), 'the headlines');
    // Published while the page was offline: only the resume can bring them.
    const whileAway = run.reference.events.filter((e) => e.receivedAt > run.drop.at && e.receivedAt < client.connectedAt);
    assert.ok(whileAway.length > 0, 'events were published while the page was offline');
    for (const e of whileAway) assert.ok(seqs.includes(e.seq), `event ${e.seq}, published while offline, is shown`);
    assert.equal(run.errors.length, 0, `no page errors: ${run.errors.join('; ')}`);
  });

  test('the overlay shows the right leader and order after each timing point', () => {
    const samples = run.overlaySamples.filter((s) => s.point !== null && s.state === 'started');
    assert.ok(samples.length >= 5, `enough samples during the race (${samples.length})`);
    const points = new Set();
    let afterLeaderChange = 0;
    for (const s of samples) {
      const order = expectedOrder(run.reference.events, run.eventId, s.seq);
      const shown = s.rows.filter((r) => r.status === 'ok').map((r) => r.bib).slice(0, order.length);
      assert.deepEqual(shown, order, `running order at seq ${s.seq} (${s.point} m)`);
      assert.equal(s.leader, order[0], `leader at seq ${s.seq}`);
      const leaderRows = s.rows.filter((r) => r.leader).map((r) => r.bib);
      assert.deepEqual(leaderRows, [order[0]], `one highlighted leader row at seq ${s.seq}`);
      assert.ok(s.rows.every((r) => r.height === s.rows[0].height), `fixed row heights: ${s.rows.map((r) => r.height)}`);
      // Rows sit in fixed slots moved by transforms: a reorder never reflows.
      for (const r of s.rows) assert.equal(r.transform, `translateY(${(r.pos - 1) * r.height}px)`, `slot of ${r.bib}`);
      points.add(s.point);
      const lc = run.reference.events.filter((e) => e.type === 'leader_change' && e.seq <= s.seq && e.event === run.eventId).at(-1);
      if (lc) {
        afterLeaderChange += 1;
        // The change holds until a split at a further point, or a faster one
        // at its point that arrived later: that athlete leads there (PROTOCOL
        // §3), and gets no leader_change when they led the point before.
        const superseded = run.reference.events.some((e) => e.type === 'split' && e.event === run.eventId &&
          e.seq > lc.seq && e.seq <= s.seq &&
          (e.distance_m > lc.distance_m || (e.distance_m === lc.distance_m && e.elapsed_ms < lc.elapsed_ms)));
        if (!superseded) assert.equal(s.leader, lc.leader.bib, `leader after the change at ${lc.distance_m} m`);
      }
    }
    assert.ok(points.size >= 3, `samples at several timing points (${[...points].join(', ')})`);
    assert.ok(afterLeaderChange > 0, 'samples after a leader change');
  });

  test('the overlay shows the medal results at the end', () => {
    const results = run.reference.events.filter((e) => e.type === 'results' && e.event === run.eventId).at(-1);
    assert.ok(results?.official, 'official results were published');
    const o = run.finalOverlay;
    assert.equal(o.state, 'official');
    const placed = results.ranking.filter((r) => Number.isFinite(r.place));
    const shown = o.rows.filter((r) => r.place !== null && r.status === 'ok');
    assert.deepEqual(shown.map((r) => [r.place, r.bib]), placed.map((r) => [r.place, r.bib]), 'places and bibs');
    const marks = Object.fromEntries(placed.map((r) => [r.bib, r.mark]));
    for (const r of shown) assert.equal(r.value, marks[r.bib], `mark of ${r.bib}`);
    const medals = o.rows.filter((r) => r.medal).map((r) => [r.medal, r.place]);
    assert.deepEqual(medals, [['gold', 1], ['silver', 2], ['bronze', 3]].slice(0, Math.min(3, placed.length)));
    for (const r of results.ranking) {
      const row = o.rows.find((x) => x.bib === r.bib);
      for (const flag of r.flags ?? []) assert.ok(row.flags.split(' ').includes(flag), `flag ${flag} on ${r.bib}`);
      if (!Number.isFinite(r.place)) assert.equal(row.status, r.mark, `${r.bib} shown as ${r.mark}`);
    }
    if (run.eventId === 'M1500-F' && fs.existsSync(expectedPath)) {
      // The reference race: the podium and the Dutch record as officials printed them.
      const exp = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
      assert.deepEqual(shown.slice(0, 3).map((r) => [r.bib, r.value]), exp.official_ranking.slice(0, 3).map((r) => [r.bib, r.mark]));
      for (const rec of exp.records) assert.ok(o.rows.find((r) => r.bib === rec.bib).flags.includes(rec.kind));
    }
    assert.ok(/\d/.test(o.clock), 'the clock shows the winning time');
  });

  test('the ticker is readable on a phone', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.goto(`${run.base}/ticker?event=${encodeURIComponent(run.eventId)}&since=0`);
    await waitFor('lines on the phone ticker', () => page.evaluate(() => document.querySelectorAll('#lines > li').length > 5), WAIT_MS);
    const m = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
      fontSize: parseFloat(getComputedStyle(document.querySelector('#lines .text')).fontSize),
      status: document.getElementById('status').textContent,
    }));
    await page.screenshot({ path: path.join(artifacts, 'ticker-phone.png') });
    await page.close();
    assert.ok(m.scrollWidth <= m.width, `no horizontal scrolling (${m.scrollWidth} > ${m.width})`);
    assert.ok(m.fontSize >= 14, `text at least 14px (${m.fontSize})`);
    assert.equal(m.status, 'live');
  });

  test('the event list links each event to its ticker and overlay', async () => {
    const page = await newPage({ viewport: { width: 1000, height: 600 } });
    await page.goto(`${run.base}/`);
    const row = await waitFor('the event row', () => page.evaluate((id) => {
      const tr = document.querySelector(`tr[data-event="${CSS.escape(id)}"]`);
      return tr && { status: tr.dataset.status, links: [...tr.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        weight: Number(getComputedStyle(tr.querySelector('td.status')).fontWeight) };
    }, run.eventId), WAIT_MS);
    await page.screenshot({ path: path.join(artifacts, 'index.png') });
    await page.close();
    assert.equal(row.status, 'official');
    // The final state reads as the strongest (issue 22: "finished" was bold
    // and green, "official" plain).
    assert.ok(row.weight >= 800, `official in bold (font-weight ${row.weight})`);
    const id = encodeURIComponent(run.eventId);
    assert.deepEqual(row.links, [`ticker?event=${id}`, `graphics?event=${id}`]);
  });

  test('screenshots are saved', () => {
    const pairs = [['index.png', 'index.png'], ['ticker.png', 'ticker.png'], ['ticker-phone.png', 'ticker-phone.png'],
      ['graphics-running.png', 'graphics.png'], ['graphics-results-preview.png', 'graphics-results.png']];
    for (const [from, to] of pairs) {
      const src = path.join(artifacts, from);
      assert.ok(fs.existsSync(src), `${from} saved`);
      if (process.env.SPLITSTREAM_WEB_UPDATE_SCREENSHOTS === '1') fs.copyFileSync(src, path.join(screenshots, to));
    }
  });
});
