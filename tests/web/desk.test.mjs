// Browser tests of the live desk (docs/web.md): the graphics views, the
// control page driving an overlay, the ticker that opens with the recent
// headlines, and the broadcast delay. Headless Chromium against two real
// daemons on 127.0.0.1, each fed the reference race (Budapest 2023, men's
// 1500 m final, examples/) by `splitstream replay --serve`:
//
//   mid   the feed up to 5:04 (Kerr has just taken the lead at 1300 m),
//         played at once: a race frozen mid-way;
//   done  the whole feed at 30x: the race is run in the first seconds of the
//         test, the results are official about 70 s in;
//   secure as mid, with tokens (--jwt-secret-file).
//
//   SPLITSTREAM_BINARY=/path/to/splitstream node --test tests/web/desk.test.mjs
//
// Environment as web.test.mjs (SPLITSTREAM_BINARY, CHROMIUM,
// SPLITSTREAM_WEB_WAIT_MS, SPLITSTREAM_WEB_UPDATE_SCREENSHOTS=1 to copy the
// screenshots to docs/screenshots/). The control latency figures go to
// artifacts/control-latency.json.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installDeps } from './install-deps.mjs';
import { Children, freePort, log, median, pixelOf, sleep, waitFor } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const artifacts = path.join(here, 'artifacts');
const screenshots = path.join(root, 'docs', 'screenshots');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const binary = process.env.SPLITSTREAM_BINARY ?? path.join(root, 'build', 'tools', 'splitstream', 'splitstream');
const feedPath = path.join(root, 'examples', 'budapest-2023-men-1500m-final.jsonl');
const expected = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'budapest-2023-men-1500m-final.expected.json'), 'utf8'));
const WAIT_MS = Number(process.env.SPLITSTREAM_WEB_WAIT_MS ?? 60000);
const EVENT = 'M1500-F';
const DELAY_S = 2;
// The acceptance figure: a take must reach the overlay's DOM within this.
const CONTROL_LIMIT_MS = 100;
const SIZES = [
  { name: '1080', viewport: { width: 1920, height: 1080 }, query: '' },
  { name: '720', viewport: { width: 1280, height: 720 }, query: '&size=720' },
];

installDeps();
if (!fs.existsSync(chromiumPath)) {
  throw new Error(`no browser at ${chromiumPath}: install Debian's chromium (SPLITSTREAM_WITH_BROWSER=1 bash tools/setup.sh) or set CHROMIUM`);
}
const { chromium } = await import('playwright-core');
const { default: WebSocket } = await import('ws');

fs.mkdirSync(artifacts, { recursive: true });
const children = new Children(artifacts);
const shots = [];          // [artifact name, docs name]
const errors = [];
let browser;
const mid = {};
const done = {};
const secure = {};
const delayed = {};

const SECRET = 'desk-test-secret';

// A relay final (tests/data/relays: Paris 2024, men's 4x400 m), on two more
// daemons: held after the first changeover, and run to its results.
const relayFeed = path.join(root, 'tests', 'data', 'relays', 'paris-2024-men-4x400m-final.jsonl');
const RELAY = 'M4X400-F';
const relayMid = {};
const relayDone = {};

// An HS256 token, as docs/publish.md describes them.
function token(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}`;
  return `${body}.${crypto.createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

async function startDaemon(name, replayArgs, serveArgs = [], feed = feedPath) {
  const feedPort = await freePort();
  const httpPort = await freePort();
  children.start(`${name}-feed`, binary, ['replay', feed, '--serve', `127.0.0.1:${feedPort}`, ...replayArgs]);
  await sleep(200);
  children.start(`${name}-serve`, binary, ['serve', '--upstream', `ws://127.0.0.1:${feedPort}/`, '--listen', `127.0.0.1:${httpPort}`,
    '--web-dir', path.join(root, 'publish', 'web'), ...serveArgs]);
  const base = `http://127.0.0.1:${httpPort}`;
  await waitFor(`the ${name} daemon`, async () => {
    const dead = children.dead();
    if (dead) throw Object.assign(new Error(dead), { fatal: true });
    return (await fetch(`${base}/healthz`)).ok;
  }, WAIT_MS, 150);
  return base;
}

// Every derived event of the daemon, with when it arrived.
function subscribe(url) {
  const ws = new WebSocket(url);
  const sub = { ws, events: [] };
  ws.on('message', (data) => {
    for (const line of String(data).split('\n')) {
      const msg = JSON.parse(line);
      if (Number.isFinite(msg.seq) && msg.type !== 'snapshot') sub.events.push({ ...msg, at: Date.now() });
    }
  });
  sub.opened = new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  return sub;
}

async function newPage(viewport, name) {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (err) => errors.push(`${name}: ${err.message}`));
  return page;
}

// Records, in the page, when each ticker line appeared (epoch ms, the
// browser's clock: comparable between pages of one browser).
async function watchLines(page) {
  await page.evaluate(() => {
    window.lineAt = {};
    const stamp = () => {
      const at = performance.timeOrigin + performance.now();
      for (const li of document.querySelectorAll('#lines > li[data-seq]')) window.lineAt[li.dataset.seq] ??= at;
    };
    stamp();
    new MutationObserver(stamp).observe(document.getElementById('lines'), { childList: true });
  });
}

// What a graphics page shows, read in one turn of its event loop.
async function readGraphics(page) {
  return page.evaluate(() => {
    const stage = document.getElementById('stage');
    const shown = [...document.querySelectorAll('.view')].filter((v) => v.dataset.shown === 'true').map((v) => v.id);
    const visible = (el) => [...el.querySelectorAll('.row')].map((r) => ({
      bib: r.dataset.bib, place: r.dataset.place ? Number(r.dataset.place) : null, pos: Number(r.dataset.pos ?? r.dataset.order),
      medal: r.dataset.medal ?? null, flags: r.dataset.flags ?? '', leader: r.dataset.leader === 'true',
      value: r.querySelector('.value')?.textContent ?? '', name: r.querySelector('.name')?.textContent ?? '',
    })).sort((a, b) => a.pos - b.pos);
    const box = (id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    return {
      shown,
      view: stage.dataset.view,
      scale: Number(document.documentElement.dataset.scale),
      htmlBg: getComputedStyle(document.documentElement).backgroundColor,
      bodyBg: getComputedStyle(document.body).backgroundColor,
      board: { sub: document.getElementById('sub').textContent, clock: document.getElementById('clock').textContent,
        leader: document.getElementById('board').dataset.leader ?? null, rows: visible(document.getElementById('board')) },
      startlist: { sub: document.querySelector('#startlist .sub').textContent, rows: visible(document.getElementById('startlist')) },
      lowerThird: { shown: document.getElementById('lower-third').dataset.shown, kind: document.getElementById('lower-third').dataset.kind ?? null,
        text: document.getElementById('lower-third').innerText.replace(/\s+/g, ' ').trim() },
      strap: document.querySelector('#strap .strap-text').textContent,
      boxes: Object.fromEntries(shown.map((id) => [id, box(id)])),
      transition: Math.max(...[...document.querySelectorAll('.view')].map((v) => {
        const s = getComputedStyle(v);
        return Math.max(...s.transitionDuration.split(',').map((d, i) => parseFloat(d) + parseFloat(s.transitionDelay.split(',')[i] ?? '0')));
      })),
    };
  });
}

// Opens a view, waits until `ready(g)` holds, checks the transparent
// background and that the view fits the picture; returns what it shows.
async function openView(base, query, size, ready, shot) {
  const page = await newPage(size.viewport, `graphics ${query}`);
  await page.goto(`${base}/graphics?${query}${size.query}`);
  const g = await waitFor(`graphics?${query}${size.query}`, async () => {
    const x = await readGraphics(page);
    return ready(x) ? x : null;
  }, WAIT_MS);
  await sleep(450);   // the in-transition (350 ms) ends
  const png = await page.screenshot({ omitBackground: true, animations: 'disabled' });
  const corner = await pixelOf(page, png, 4, 4);
  assert.equal(corner[3], 0, `${query} at ${size.name}: the page background is transparent (alpha of pixel 4,4 is ${corner[3]})`);
  assert.equal(g.htmlBg, 'rgba(0, 0, 0, 0)', 'html background');
  assert.equal(g.bodyBg, 'rgba(0, 0, 0, 0)', 'body background');
  assert.ok(Math.abs(g.scale - size.viewport.width / 1920) < 0.01, `${query} at ${size.name}: scale ${g.scale}`);
  for (const [id, b] of Object.entries(g.boxes)) {
    assert.ok(b.left >= 0 && b.top >= 0 && b.right <= size.viewport.width + 0.5 && b.bottom <= size.viewport.height + 0.5,
      `${id} fits the ${size.viewport.width}x${size.viewport.height} picture: ${JSON.stringify(b)}`);
  }
  assert.ok(g.transition > 0 && g.transition <= 0.5, `in/out transitions take at most 500 ms (${g.transition} s)`);
  if (shot) {
    fs.writeFileSync(path.join(artifacts, shot), png);
    // The docs' copy over a dark background: a transparent PNG reads badly
    // on a light page.
    await page.goto(`${base}/graphics?${query}${size.query}&bg=%23223344`);
    await waitFor('the preview', async () => ready(await readGraphics(page)), WAIT_MS);
    await sleep(450);
    const preview = shot.replace('.png', '-preview.png');
    await page.screenshot({ path: path.join(artifacts, preview), animations: 'disabled' });
    shots.push([preview, shot]);
  }
  await page.close();
  return g;
}

const official = expected.official_ranking;
const winner = official[0];

describe('the live desk in a real browser', () => {
  before(async () => {
    assert.ok(fs.existsSync(binary), `splitstream binary not found at ${binary} (set SPLITSTREAM_BINARY)`);
    const secretFile = path.join(artifacts, 'desk-secret.txt');
    fs.writeFileSync(secretFile, `${SECRET}\n`);
    [mid.base, done.base, secure.base, relayMid.base, relayDone.base] = await Promise.all([
      startDaemon('mid', ['--speed', 'max', '--to', '5:04']),
      startDaemon('done', ['--speed', '30']),
      startDaemon('secure', ['--speed', 'max', '--to', '5:04'], ['--jwt-secret-file', secretFile]),
      startDaemon('relay-mid', ['--speed', 'max', '--to', '14:50'], [], relayFeed),
      startDaemon('relay-done', ['--speed', 'max'], [], relayFeed),
    ]);
    done.reference = subscribe(`${done.base.replace('http:', 'ws:')}/v1/stream?since=0`);
    await done.reference.opened;
    browser = await chromium.launch({
      executablePath: chromiumPath, headless: true, timeout: 2 * WAIT_MS,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // Two tickers on the race as it is run: one live, one with the delay.
    delayed.live = await newPage({ width: 600, height: 900 }, 'live ticker');
    delayed.late = await newPage({ width: 600, height: 900 }, 'delayed ticker');
    await Promise.all([
      delayed.live.goto(`${done.base}/ticker?event=${EVENT}&recent=0&hide=`),
      delayed.late.goto(`${done.base}/ticker?event=${EVENT}&recent=0&hide=&delay=${DELAY_S}`),
    ]);
    await Promise.all([watchLines(delayed.live), watchLines(delayed.late)]);
    await waitFor('the race data on the frozen daemon', async () => {
      const s = await (await fetch(`${mid.base}/v1/events/${EVENT}`)).json();
      return /:1300\b/.test(JSON.stringify(s)) && s.status === 'started';
    }, WAIT_MS);
  });

  after(async () => {
    fs.writeFileSync(path.join(artifacts, 'desk-stream.jsonl'), (done.reference?.events ?? []).map((e) => JSON.stringify(e)).join('\n') + '\n');
    try { done.reference?.ws.close(); } catch { /* closed */ }
    await browser?.close();
    await children.stopAll();
  });

  test('mid-race: the running order with gaps, the strap, the lower third and the start list, at both sizes', async () => {
    for (const size of SIZES) {
      const running = await openView(mid.base, `event=${EVENT}&view=running&top=8`, size,
        (g) => g.shown.includes('board') && g.board.rows.length > 0 && g.board.leader && g.board.clock, size.name === '1080' ? 'desk-running.png' : null);
      assert.equal(running.board.leader, '136', 'Kerr leads at 1300 m');
      assert.match(running.board.sub, /1300 m/);
      assert.equal(running.board.rows.length, 8, 'top=8: eight rows');
      assert.equal(running.board.rows[0].bib, '136');
      assert.ok(running.board.rows[0].leader, 'the leader row is highlighted');
      assert.ok(running.board.rows.slice(1).every((r) => /^\+\d/.test(r.value)), `gaps behind the leader: ${running.board.rows.map((r) => r.value)}`);
      assert.match(running.board.clock, /^3:0\d\.\d$/, `the clock shows the race time at 1300 m (${running.board.clock})`);

      const strap = await openView(mid.base, `event=${EVENT}&view=strap`, size, (g) => g.shown.includes('strap') && g.strap,
        size.name === '1080' ? 'desk-strap.png' : null);
      assert.equal(strap.strap, 'Kerr leads at 1300 m');

      const lt = await openView(mid.base, `event=${EVENT}&view=lower_third&hold=60`, size, (g) => g.lowerThird.shown === 'true',
        size.name === '1080' ? 'desk-lower-third-leader.png' : null);
      assert.equal(lt.lowerThird.kind, 'leader_change');
      assert.match(lt.lowerThird.text, /New leader/i);
      assert.match(lt.lowerThird.text, /Josh KERR/);
      assert.match(lt.lowerThird.text, /1300 m/);

      if (size.name === '1080') {
        // hold=1: in, then out a second later, with the transition.
        const page = await newPage(size.viewport, 'lower third hold');
        await page.goto(`${mid.base}/graphics?event=${EVENT}&view=lower_third&hold=1`);
        const shownAt = await waitFor('the lower third to come in', () => page.evaluate(() =>
          document.getElementById('lower-third').dataset.shown === 'true' ? Date.now() : null), WAIT_MS, 20);
        const hiddenAt = await waitFor('the lower third to go out', () => page.evaluate(() =>
          document.getElementById('lower-third').dataset.shown === 'false' ? Date.now() : null), WAIT_MS, 20);
        assert.ok(hiddenAt - shownAt >= 800, `held about a second (${hiddenAt - shownAt} ms)`);
        await sleep(500);
        assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('lower-third')).visibility), 'hidden', 'gone after its out-transition');
        await page.close();
      }

      const sl = await openView(mid.base, `event=${EVENT}&view=startlist`, size, (g) => g.shown.includes('startlist') && g.startlist.rows.length === 12,
        size.name === '1080' ? 'desk-startlist.png' : null);
      assert.deepEqual(sl.startlist.rows.map((r) => r.bib), Object.values(expected.bibs).sort((a, b) => a - b),
        'every athlete, in the start list\'s order (the feed lists them by bib)');
      assert.ok(sl.startlist.rows.every((r) => r.place === null), 'nobody has a place on a start list');
      assert.match(sl.startlist.sub, /Start list/i);
    }
  });

  test('the control page switches an overlay between views within 100 ms', async () => {
    const overlay = await newPage({ width: 1920, height: 1080 }, 'overlay');
    const control = await newPage({ width: 1400, height: 800 }, 'control');
    await overlay.goto(`${mid.base}/graphics?channel=A`);
    await waitFor('the overlay to go live', () => overlay.evaluate(() => window.splitstream?.status === 'live'), WAIT_MS);
    // Each change of the stage's revision, with the time it happened.
    await overlay.evaluate(() => {
      window.revAt = {};
      const stage = document.getElementById('stage');
      new MutationObserver(() => { window.revAt[stage.dataset.rev] ??= { at: performance.timeOrigin + performance.now(), view: stage.dataset.view, onAir: stage.dataset.onAir }; })
        .observe(stage, { attributes: true, attributeFilter: ['data-rev'] });
    });
    await control.goto(`${mid.base}/control`);
    await waitFor('the control page to list the event', () => control.evaluate((id) => document.getElementById('event').value === id, EVENT), WAIT_MS);
    const figures = [];
    const sequence = ['startlist', 'running', 'results', 'lower_third', 'strap', 'running', 'results', 'startlist', 'strap', 'lower_third'];
    for (const view of sequence) {
      await control.check(`input[name="view"][value="${view}"]`);
      await control.click('#take');
      const entry = await waitFor(`the answer to the take of ${view}`, () => control.evaluate(() => {
        const e = window.controlLog.at(-1);
        return e?.rev !== undefined || e?.error ? e : null;
      }), WAIT_MS, 20);
      assert.equal(entry.error, undefined, `the take of ${view} was accepted`);
      const seen = await waitFor(`the overlay to show ${view}`, () => overlay.evaluate((rev) => window.revAt[String(rev)] ?? null, entry.rev), WAIT_MS, 20);
      assert.equal(seen.view, view);
      assert.equal(seen.onAir, 'true');
      figures.push({ view, rev: entry.rev, click_to_overlay_ms: +(seen.at - entry.clickAt).toFixed(1),
        response_to_overlay_ms: +(seen.at - entry.responseAt).toFixed(1), click_to_response_ms: +(entry.responseAt - entry.clickAt).toFixed(1) });
      await sleep(400);   // the transition ends, as an operator's next take would come
    }
    const g = await readGraphics(overlay);
    assert.deepEqual(g.shown, ['lower-third'], 'the last take is on the picture');
    await control.screenshot({ path: path.join(artifacts, 'control.png') });
    shots.push(['control.png', 'control.png']);

    // CLEAR takes everything off.
    await control.click('#clear');
    await waitFor('the overlay to clear', () => overlay.evaluate(() => document.getElementById('stage').dataset.onAir === 'false'), WAIT_MS, 20);
    await sleep(400);
    const cleared = await readGraphics(overlay);
    assert.deepEqual(cleared.shown.filter((id) => id !== 'lower-third'), [], 'nothing on the picture after CLEAR');
    assert.equal(await control.evaluate(() => document.getElementById('air').dataset.onAir), 'false');

    const clicks = figures.map((f) => f.click_to_overlay_ms);
    const summary = { limit_ms: CONTROL_LIMIT_MS, takes: figures.length, click_to_overlay_median_ms: +median(clicks).toFixed(1),
      click_to_overlay_best_ms: Math.min(...clicks), click_to_overlay_worst_ms: Math.max(...clicks),
      response_to_overlay_median_ms: +median(figures.map((f) => f.response_to_overlay_ms)).toFixed(1), figures };
    fs.writeFileSync(path.join(artifacts, 'control-latency.json'), JSON.stringify(summary, null, 2) + '\n');
    log(`control latency, click to overlay DOM: median ${summary.click_to_overlay_median_ms} ms, best ${summary.click_to_overlay_best_ms}, worst ${summary.click_to_overlay_worst_ms} (${figures.length} takes)`);
    // The median of ten takes: one take slowed by a loaded machine does not
    // decide, a page that is slow every time does.
    assert.ok(summary.click_to_overlay_median_ms < CONTROL_LIMIT_MS,
      `a take reaches the overlay within ${CONTROL_LIMIT_MS} ms (median ${summary.click_to_overlay_median_ms} ms): ${JSON.stringify(figures)}`);
    await overlay.close();
    await control.close();
  });

  test('with tokens, the control page and the overlay pass theirs; a token without the control claim cannot take', async () => {
    const operator = token({ control: true });
    const viewer = token({});
    const overlay = await newPage({ width: 1280, height: 720 }, 'secure overlay');
    await overlay.goto(`${secure.base}/graphics?channel=B&token=${viewer}`);
    await waitFor('the overlay to go live with its token', () => overlay.evaluate(() => window.splitstream?.status === 'live'), WAIT_MS);
    const control = await newPage({ width: 1400, height: 800 }, 'secure control');
    await control.goto(`${secure.base}/control?channel=B&token=${operator}`);
    await waitFor('the events, listed with the token', () => control.evaluate((id) => document.getElementById('event').value === id, EVENT), WAIT_MS);
    await control.check('input[name="view"][value="strap"]');
    await control.click('#take');
    const g = await waitFor('the take on the overlay', async () => {
      const x = await readGraphics(overlay);
      return x.shown.includes('strap') && x.strap ? x : null;
    }, WAIT_MS);
    assert.equal(g.strap, 'Kerr leads at 1300 m');
    await control.close();

    // A viewer's token may watch but not take.
    const intruder = await newPage({ width: 1400, height: 800 }, 'viewer control');
    await intruder.goto(`${secure.base}/control?channel=B&token=${viewer}`);
    await waitFor('the events', () => intruder.evaluate((id) => document.getElementById('event').value === id, EVENT), WAIT_MS);
    await intruder.click('#clear');
    const refused = await waitFor('the refusal', () => intruder.evaluate(() => {
      const e = window.controlLog.at(-1);
      return e?.error ? { error: e.error, message: document.getElementById('message').textContent } : null;
    }), WAIT_MS);
    assert.equal(refused.error, 'forbidden');
    assert.match(refused.message, /^403/);
    assert.equal((await readGraphics(overlay)).shown.includes('strap'), true, 'the graphic stays on air');
    // And no token at all: the stream is refused, the page says so by staying offline.
    const anonymous = await (await fetch(`${secure.base}/v1/control/B`)).status;
    assert.equal(anonymous, 401);
    await intruder.close();
    await overlay.close();
  });

  test('after the race: each view shows the reference final correctly, at both sizes', async () => {
    await waitFor('official results of the reference race', () => done.reference.events.some((e) => e.type === 'results' && e.official), 3 * WAIT_MS, 200);
    for (const size of SIZES) {
      // Screenshots at 1080, and the results at 720 too.
      const shot = (name) => (size.name === '1080' ? name : name === 'desk-results.png' ? 'desk-results-720.png' : null);
      const results = await openView(done.base, `event=${EVENT}&view=results`, size,
        (g) => g.shown.includes('board') && g.board.rows.some((r) => r.medal) && g.board.clock, shot('desk-results.png'));
      assert.match(results.board.sub, /Official results/i);
      assert.deepEqual(results.board.rows.map((r) => [r.place, r.bib, r.value]), official.map((r) => [r.place, r.bib, r.mark]), 'places, bibs, marks');
      assert.deepEqual(results.board.rows.filter((r) => r.medal).map((r) => [r.medal, r.bib]), [['gold', '136'], ['silver', '129'], ['bronze', '150']]);
      for (const rec of [...expected.records, ...expected.pb_sb]) {
        assert.ok(results.board.rows.find((r) => r.bib === rec.bib).flags.split(' ').includes(rec.kind), `${rec.kind} on ${rec.bib}`);
      }
      assert.equal(results.board.clock, winner.mark, 'the clock shows the winning mark');

      // The URL of old: the board, which has turned into the results.
      const plain = await openView(done.base, `event=${EVENT}`, size, (g) => g.shown.includes('board') && g.board.rows.some((r) => r.medal), null);
      assert.equal(plain.view, 'running');
      assert.equal(plain.board.rows[0].bib, winner.bib);

      const strap = await openView(done.base, `event=${EVENT}&view=strap`, size, (g) => g.shown.includes('strap') && /results/i.test(g.strap), shot('desk-strap-results.png'));
      assert.equal(strap.strap, 'Official results: Kerr 3:29.38 · Ingebrigtsen 3:29.65 · Nordås 3:29.68');

      const lt = await openView(done.base, `event=${EVENT}&view=lower_third&hold=60`, size, (g) => g.lowerThird.shown === 'true', shot('desk-lower-third.png'));
      assert.equal(lt.lowerThird.kind, 'NR', 'the latest record: Laros\'s national record');
      assert.match(lt.lowerThird.text, /National record/i);
      assert.match(lt.lowerThird.text, /Niels LAROS/);
      assert.match(lt.lowerThird.text, /3:31\.25/);

      const sl = await openView(done.base, `event=${EVENT}&view=startlist`, size, (g) => g.shown.includes('startlist') && g.startlist.rows.length === 12, null);
      assert.equal(sl.startlist.rows.length, 12);
    }
  });

  test('the ticker with no parameters, opened after the race, shows Kerr\'s win and 3:29.38', async () => {
    await waitFor('official results of the reference race', () => done.reference.events.some((e) => e.type === 'results' && e.official), 3 * WAIT_MS, 200);
    const page = await newPage({ width: 900, height: 1100 }, 'ticker');
    await page.goto(`${done.base}/ticker`);
    const seen = await waitFor('the recent headlines', () => page.evaluate(() => {
      const lines = [...document.querySelectorAll('#lines > li[data-seq]')].map((li) => ({ type: li.dataset.type, text: li.querySelector('.text').textContent, recent: li.dataset.recent === 'true' }));
      const note = document.getElementById('recent-note');
      return lines.some((l) => l.type === 'results') ? { lines, note: note.hidden ? '' : note.textContent, k: window.splitstream.recent } : null;
    }), WAIT_MS);
    await sleep(300);
    await page.screenshot({ path: path.join(artifacts, 'ticker-recent.png') });
    shots.push(['ticker-recent.png', 'ticker-recent.png']);
    await page.close();
    assert.ok(seen.lines.some((l) => l.type === 'finish' && /Josh Kerr/.test(l.text) && /1st/.test(l.text) && l.text.includes(winner.mark)),
      `Kerr's win in ${winner.mark}: ${seen.lines.map((l) => l.text).join(' | ')}`);
    assert.ok(seen.lines.some((l) => l.type === 'results' && l.text.includes('Josh Kerr') && l.text.includes(winner.mark)), 'the results headline');
    assert.ok(seen.lines.every((l) => l.type !== 'split'), 'headlines only, no split lines');
    // The hello says how many it resent (K); the page shows them all and says so.
    const before = done.reference.events.filter((e) => e.type !== 'split').length;
    assert.ok(Number.isFinite(seen.k) && seen.k > 0, `the hello carries recent (${seen.k})`);
    assert.ok(seen.k <= 50 && seen.k <= before, `K=${seen.k} is at most 50 and at most the ${before} headlines there were`);
    assert.equal(seen.lines.filter((l) => l.recent).length, seen.k, 'every recent headline is shown, once');
    assert.equal(seen.note, seen.k < 50 ? `All ${seen.k} headlines so far` : 'Showing the last 50 headlines');
  });

  test('a delayed ticker shows each event about the delay later than a live one', async () => {
    await waitFor('the official results on both tickers', async () => {
      const a = await delayed.live.evaluate(() => document.querySelector('#lines > li[data-type="results"]') !== null);
      const b = await delayed.late.evaluate(() => document.querySelector('#lines > li[data-type="results"]') !== null);
      return a && b;
    }, 3 * WAIT_MS, 200);
    const live = await delayed.live.evaluate(() => window.lineAt);
    const late = await delayed.late.evaluate(() => window.lineAt);
    const note = await delayed.late.evaluate(() => document.getElementById('delay-note').textContent);
    await delayed.late.screenshot({ path: path.join(artifacts, 'ticker-delay.png') });
    assert.equal(note, `${DELAY_S} s delay`);
    // Lines both pages got live (after both opened): the delayed one later.
    const both = Object.keys(late).filter((seq) => live[seq] !== undefined);
    assert.ok(both.length > 0, 'events reached both tickers');
    const lags = both.map((seq) => late[seq] - live[seq]);
    const lastSeq = Math.max(...both.map(Number));
    const lag = late[lastSeq] - live[lastSeq];
    log(`delay ${DELAY_S} s: the last event reached the delayed ticker ${Math.round(lag)} ms after the live one (median over ${both.length}: ${Math.round(median(lags))} ms)`);
    assert.ok(lag >= DELAY_S * 1000 * 0.75, `the delayed ticker is behind by about ${DELAY_S} s (${Math.round(lag)} ms)`);
    assert.ok(lag < DELAY_S * 1000 + 5000, `and not much more (${Math.round(lag)} ms)`);
  });

  test('a relay: the board names the runner on each team\'s leg during the race and the four runners in the results (TR 24)', async () => {
    const size = SIZES[0];
    const running = await openView(relayMid.base, `event=${RELAY}`, size,
      (g) => g.shown.includes('board') && g.board.rows.filter((r) => r.name.includes('leg 2')).length === 2, null);
    // Botswana led at the first changeover (Ndori's 44.30), USA 0.15 behind.
    assert.deepEqual(running.board.rows.slice(0, 2).map((r) => [r.bib, r.name]),
      [['BOT', 'Botswana · leg 2 Kebinatshipi'], ['USA', 'United States · leg 2 Norwood']]);
    const results = await openView(relayDone.base, `event=${RELAY}&view=results`, size,
      (g) => g.shown.includes('board') && /Official results/i.test(g.board.sub) && g.board.rows.some((r) => r.medal), null);
    assert.deepEqual(results.board.rows.map((r) => [r.place, r.bib, r.value, r.name, r.flags]), [
      [1, 'USA', '2:54.43', 'United States (Bailey, Norwood, Deadmon, Benjamin)', 'OR'],
      [2, 'BOT', '2:54.53', 'Botswana (Ndori, Kebinatshipi, Pesela, Tebogo)', 'AR'],
      [3, 'GBR', '2:55.83', 'Great Britain & N.I. (Haydock-Wilson, Hudson-Smith, Davey, Dobson)', 'AR'],
    ]);
  });

  test('no page errors; screenshots are saved', () => {
    assert.equal(errors.length, 0, errors.join('; '));
    for (const [from, to] of shots) {
      const src = path.join(artifacts, from);
      assert.ok(fs.existsSync(src), `${from} saved`);
      if (process.env.SPLITSTREAM_WEB_UPDATE_SCREENSHOTS === '1') fs.copyFileSync(src, path.join(screenshots, to));
    }
  });
});
