// Browser test of a round on the pages: the simulator's session of heats
// and a final (tools/sim/specs/men-1500m-rounds.json) through a daemon on
// 127.0.0.1, in headless Chromium. The ticker shows the round's qualifiers
// headline and one line per qualifier with its Q or q; the results board of
// a heat prints Q/q beside the mark ("3:34.47 q"), as official results do
// (World Athletics TR 20).
//
//   SPLITSTREAM_BINARY=/path/to/splitstream node --test tests/web/rounds.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installDeps } from './install-deps.mjs';
import { Children, freePort, sleep, waitFor } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const artifacts = path.join(here, 'artifacts');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const binary = process.env.SPLITSTREAM_BINARY ?? path.join(root, 'build', 'tools', 'splitstream', 'splitstream');
const spec = path.join(root, 'tools', 'sim', 'specs', 'men-1500m-rounds.json');
const WAIT_MS = Number(process.env.SPLITSTREAM_WEB_WAIT_MS ?? 60000);
const ROUND = 'M1500-R1';
const HEAT = 'M1500-R1-H2';   // the fast heat: 3 Q and 2 of the 3 q

installDeps();
if (!fs.existsSync(chromiumPath)) {
  throw new Error(`no browser at ${chromiumPath}: install Debian's chromium (SPLITSTREAM_WITH_BROWSER=1 bash tools/setup.sh) or set CHROMIUM`);
}
const { chromium } = await import('playwright-core');
const { default: WebSocket } = await import('ws');

const children = new Children(artifacts);
const run = { base: null, events: [], errors: [] };
let browser;
let ticker;
let board;

describe('a round of heats on the pages', () => {
  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    assert.ok(fs.existsSync(binary), `splitstream binary not found at ${binary} (set SPLITSTREAM_BINARY)`);
    const [simPort, httpPort] = [await freePort(), await freePort()];
    run.base = `http://127.0.0.1:${httpPort}`;
    // The heats' qualifiers are out about 15 minutes into the session: 60x.
    children.start('sim', binary, ['sim', '--spec', spec, '--serve', `127.0.0.1:${simPort}`, '--speed', '60']);
    await sleep(300);
    children.start('serve', binary, ['serve', '--upstream', `ws://127.0.0.1:${simPort}/`, '--listen', `127.0.0.1:${httpPort}`,
      '--web-dir', path.join(root, 'publish', 'web')]);
    await waitFor('the daemon to answer /v1/events', async () => {
      const dead = children.dead();
      if (dead) throw Object.assign(new Error(dead), { fatal: true });
      try { return (await fetch(`${run.base}/v1/events`)).ok; } catch { return false; }
    }, WAIT_MS, 150);

    // The reference: every event the daemon publishes, from the start.
    const ws = new WebSocket(`${run.base.replace('http:', 'ws:')}/v1/stream?since=0`);
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.seq && msg.type !== 'snapshot' && msg.type !== 'hello') run.events.push(msg);
    });
    run.ws = ws;
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      timeout: 2 * WAIT_MS,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    ticker = await browser.newPage({ viewport: { width: 900, height: 1400 } });
    board = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    for (const [name, page] of [['ticker', ticker], ['board', board]]) {
      page.setDefaultTimeout(WAIT_MS);
      page.on('pageerror', (err) => run.errors.push(`${name}: ${err.message ?? err}`));
    }
    // The default ticker (split lines hidden) for the whole session, and the
    // results board of heat 2.
    await ticker.goto(`${run.base}/ticker?max=5000&recent=0`);
    await board.goto(`${run.base}/graphics?event=${HEAT}&view=results`);

    // Bounded by WAIT_MS each: the qualifiers, then the heats' re-issued
    // results with the marks (published right after them).
    run.qualifiers = await waitFor('the round\'s qualifiers', () => run.events.find((e) => e.type === 'qualifiers'), 4 * WAIT_MS, 200);
    run.heatResults = await waitFor('heat 2\'s results with Q/q', () => run.events.filter((e) => e.type === 'results' && e.event === HEAT)
      .find((e) => e.ranking.some((r) => r.qualified)), WAIT_MS, 200);
    await waitFor('the pages to apply them', async () => {
      const a = await ticker.evaluate(() => window.splitstream.lastSeq);
      const b = await board.evaluate(() => window.splitstream.lastSeq);
      return a >= run.heatResults.seq && b >= run.heatResults.seq;
    }, WAIT_MS);
    await sleep(500);
    await ticker.screenshot({ path: path.join(artifacts, 'ticker-qualifiers.png') });
    await board.screenshot({ path: path.join(artifacts, 'graphics-heat-results.png'), omitBackground: true, animations: 'disabled' });
  });

  after(async () => {
    try { run.ws?.close(); } catch { /* closed */ }
    await browser?.close();
    await children.stopAll();
  });

  test('the ticker shows the qualifiers headline and one Q/q line per qualifier', async () => {
    const shown = await ticker.evaluate((seq) => {
      const li = document.querySelector(`#lines > li[data-seq="${seq}"]`);
      if (!li) return null;
      return {
        type: li.dataset.type,
        event: li.querySelector('.event')?.textContent ?? '',
        text: li.querySelector('.text').textContent,
        lines: [...li.querySelectorAll('.qualifiers > li')].map((x) => ({ by: x.dataset.by, bib: x.dataset.bib,
          mark: x.querySelector('.by').textContent, who: x.querySelector('.who').textContent })),
      };
    }, run.qualifiers.seq);
    assert.ok(shown, 'the qualifiers are a line of the default ticker');
    assert.equal(shown.type, 'qualifiers');
    assert.equal(shown.text, run.qualifiers.text);
    assert.match(shown.text, /^Men's 1500 metres Round 1: 12 through \(9 Q, 3 q\); fastest losers: /);
    assert.equal(shown.event, "Men's 1500 metres Round 1", 'the line names the round, not its id');
    assert.deepEqual(shown.lines.map((x) => [x.bib, x.by, x.mark, x.who]),
      run.qualifiers.qualified.map((x) => [x.bib, x.by, x.by, x.text]), 'one line per qualifier, in order');
    assert.equal(shown.lines.filter((x) => x.by === 'Q').length, 9);
    const q = shown.lines.filter((x) => x.by === 'q');
    assert.equal(q.length, 3);
    for (const x of q) assert.match(x.who, /through to the final as a fastest loser, 3:\d\d\.\d\d$/);
  });

  test('the results board prints Q/q beside the mark, as official results do', async () => {
    const rows = await board.evaluate(() => [...document.querySelectorAll('#rows .row')].map((r) => ({
      bib: r.dataset.bib, q: r.dataset.q ?? null, value: r.querySelector('.value').textContent,
      flags: r.querySelector('.flags').textContent,
      cut: r.querySelector('.value').scrollWidth > r.querySelector('.value').clientWidth })));
    const expected = run.heatResults.ranking.filter((r) => r.place !== null);
    assert.deepEqual(rows.filter((r) => expected.some((x) => x.bib === r.bib)).map((r) => [r.bib, r.value, r.q]),
      expected.map((r) => [r.bib, r.qualified ? `${r.mark} ${r.qualified}` : r.mark, r.qualified ?? null]));
    assert.ok(rows.some((r) => / q$/.test(r.value)), `a time qualifier in heat 2: ${rows.map((r) => r.value)}`);
    assert.ok(rows.every((r) => !/\bq\b|\bQ\b/.test(r.flags)), 'Q/q is not repeated among the record flags');
    assert.deepEqual(rows.filter((r) => r.cut).map((r) => r.value), [], 'every mark and its Q/q is shown whole');
  });

  test('no page error', () => {
    assert.deepEqual(run.errors, []);
  });
});
