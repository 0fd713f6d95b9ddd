// Browser test of a race walk's judging on the pages (docs/web.md): the
// simulator's 20 km walk (tools/sim/specs/walk-20km.json) replayed into a
// daemon on 127.0.0.1, the overlay's running order read mid-race (a walker
// in the Penalty Zone, one disqualified on his fourth red card) and after
// the official results, and the ticker's card headlines.
//
//   SPLITSTREAM_BINARY=/path/to/splitstream node --test tests/web/walk.test.mjs

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
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const binary = process.env.SPLITSTREAM_BINARY ?? path.join(root, 'build', 'tools', 'splitstream', 'splitstream');
const WAIT_MS = Number(process.env.SPLITSTREAM_WEB_WAIT_MS ?? 60000);
const EVENT = 'M20KW-F';

installDeps();
if (!fs.existsSync(chromiumPath)) {
  throw new Error(`no browser at ${chromiumPath}: install Debian's chromium (SPLITSTREAM_WITH_BROWSER=1 bash tools/setup.sh) or set CHROMIUM`);
}
const { chromium } = await import('playwright-core');

const children = new Children(artifacts);
let browser;
const run = {};

async function startDaemon(name, feedPath, replayArgs) {
  const feedPort = await freePort();
  const httpPort = await freePort();
  children.start(`${name}-feed`, binary, ['replay', feedPath, '--serve', `127.0.0.1:${feedPort}`, ...replayArgs]);
  await sleep(200);
  children.start(`${name}-serve`, binary, ['serve', '--upstream', `ws://127.0.0.1:${feedPort}/`,
    '--listen', `127.0.0.1:${httpPort}`, '--web-dir', path.join(root, 'publish', 'web')]);
  const base = `http://127.0.0.1:${httpPort}`;
  await waitFor(`the ${name} daemon`, async () => {
    const dead = children.dead();
    if (dead) throw Object.assign(new Error(dead), { fatal: true });
    try {
      return (await fetch(`${base}/healthz`)).ok;
    } catch {
      return false;
    }
  }, WAIT_MS, 150);
  return base;
}

// The walk's state as the daemon has it, once `ready` says it is far enough.
async function stateWhen(base, what, ready) {
  return waitFor(what, async () => {
    const res = await fetch(`${base}/v1/events/${EVENT}`);
    if (!res.ok) return null;
    const state = await res.json();
    return ready(state) ? state : null;
  }, WAIT_MS, 150);
}

// The overlay's running order as a viewer sees it.
async function readBoard(page) {
  return page.evaluate(() => [...document.querySelectorAll('#board .row')]
    .sort((a, b) => Number(a.dataset.pos) - Number(b.dataset.pos))
    .map((r) => ({
      bib: r.dataset.bib,
      status: r.dataset.status,
      redCards: Number(r.dataset.redCards ?? 0),
      penalty: r.dataset.penalty ?? null,
      red: [...r.querySelectorAll('.cards .card.red')].map((c) => c.textContent),
      yellow: [...r.querySelectorAll('.cards .card.yellow')].map((c) => c.textContent),
      pz: r.querySelector('.cards .pz')?.textContent ?? null,
      cardsShown: getComputedStyle(r.querySelector('.cards')).display !== 'none',
      value: r.querySelector('.value')?.textContent ?? '',
    })));
}

async function openBoard(base) {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on('pageerror', (err) => run.errors.push(err.message));
  await page.goto(`${base}/graphics?event=${EVENT}`);
  return page;
}

describe('a race walk in a real browser', () => {
  before(async () => {
    run.errors = [];
    fs.mkdirSync(artifacts, { recursive: true });
    assert.ok(fs.existsSync(binary), `splitstream binary not found at ${binary} (set SPLITSTREAM_BINARY)`);
    const feedPath = path.join(artifacts, 'walk-20km.jsonl');
    execFileSync(binary, ['sim', '--spec', path.join(root, 'tools', 'sim', 'specs', 'walk-20km.json'), '--seed', '1',
      '--out', feedPath], { stdio: ['ignore', 'ignore', 'inherit'] });
    // Held as bib 206 walks into the Penalty Zone; by then 208 is out.
    const enter = fs.readFileSync(feedPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      .find((m) => m.type === 'penalty_zone' && m.bib === '206' && m.action === 'enter');
    assert.ok(enter, 'the simulated walk sends bib 206 into the Penalty Zone');
    const [mid, done] = await Promise.all([
      startDaemon('walk-mid', feedPath, ['--speed', 'max', '--to', enter.ts]),
      startDaemon('walk-done', feedPath, ['--speed', 'max']),
    ]);
    run.midState = await stateWhen(mid, 'the walk held in the Penalty Zone',
      (s) => s.athletes?.some((a) => a.bib === '206' && a.penalty_zone?.state === 'entered'));
    run.doneState = await stateWhen(done, 'the walk\'s official results', (s) => s.status === 'official');
    log('both walk daemons ready');

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      timeout: 2 * WAIT_MS,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const midPage = await openBoard(mid);
    run.midBoard = await waitFor('the mid-race board', async () => {
      const rows = await readBoard(midPage);
      return rows.length === 8 && rows.some((r) => r.penalty === 'entered') ? rows : null;
    }, WAIT_MS);
    await midPage.screenshot({ path: path.join(artifacts, 'walk-running.png'), omitBackground: true, animations: 'disabled' });
    const donePage = await openBoard(done);
    run.doneBoard = await waitFor('the results board', async () => {
      const rows = await readBoard(donePage);
      return rows.length === 8 && rows.some((r) => r.status === 'DQ') && (await donePage.evaluate(
        () => document.querySelector('#board')?.dataset.state)) === 'official' ? rows : null;
    }, WAIT_MS);
    await donePage.screenshot({ path: path.join(artifacts, 'walk-results.png'), omitBackground: true, animations: 'disabled' });
    const ticker = await browser.newPage({ viewport: { width: 900, height: 1100 } });
    ticker.on('pageerror', (err) => run.errors.push(err.message));
    await ticker.goto(`${done}/ticker?event=${EVENT}&since=0`);
    run.ticker = await waitFor('the ticker to show the results', async () => {
      const lines = await ticker.evaluate(() => [...document.querySelectorAll('#lines > li')].map((li) => ({
        type: li.dataset.type, kind: li.dataset.kind ?? null, tag: li.querySelector('.tag')?.textContent ?? null,
        text: li.querySelector('.text')?.textContent ?? '' })));
      return lines.some((l) => l.type === 'results') ? lines : null;
    }, WAIT_MS);
    await ticker.screenshot({ path: path.join(artifacts, 'walk-ticker.png') });
  });

  after(async () => {
    await browser?.close();
    await children.stopAll();
  });

  test('the running order shows each walker\'s red cards, cautions and the Penalty Zone', () => {
    const rows = Object.fromEntries(run.midBoard.map((r) => [r.bib, r]));
    assert.ok(run.midBoard.every((r) => r.cardsShown), 'a walk shows the cards column');
    // TR 54.7.3: three red cards, in the Penalty Zone now.
    assert.equal(rows['206'].redCards, 3);
    assert.deepEqual(rows['206'].red, ['~', '~', '>']);
    assert.equal(rows['206'].pz, 'PZ');
    assert.equal(rows['206'].penalty, 'entered');
    // Two red cards and a caution: no Penalty Zone.
    assert.deepEqual(rows['201'].red, ['>', '~']);
    assert.deepEqual(rows['201'].yellow, ['>']);
    assert.equal(rows['201'].pz, null);
    // TR 54.7.3: out on the fourth red card, at the bottom with the rule.
    assert.equal(rows['208'].status, 'DQ');
    assert.equal(rows['208'].redCards, 4);
    assert.equal(rows['208'].value, 'TR 54.7.3');
    assert.equal(run.midBoard.at(-1).bib, '208', 'the disqualified walker leaves the running order');
    // The board says what the daemon's state says.
    for (const a of run.midState.athletes) assert.equal(rows[a.bib].redCards, a.red_cards ?? 0, `red cards of ${a.bib}`);
  });

  test('the results keep the disqualification and the cards; the Penalty Zone served is no longer shown', () => {
    const rows = Object.fromEntries(run.doneBoard.map((r) => [r.bib, r]));
    assert.equal(run.doneBoard.at(-1).bib, '208');
    assert.equal(rows['208'].status, 'DQ');
    assert.equal(rows['208'].value, 'TR 54.7.3');
    assert.deepEqual(rows['208'].red, ['~', '~', '>', '~']);
    assert.equal(rows['206'].pz, null, 'served: 2:00 in the Penalty Zone');
    assert.equal(rows['206'].redCards, 3);
    const placed = run.doneState.results.filter((r) => r.place !== null).map((r) => r.bib);
    assert.deepEqual(run.doneBoard.slice(0, placed.length).map((r) => r.bib), placed, 'the board in the official order');
  });

  test('the ticker shows every card, the Penalty Zone and the disqualification', () => {
    const cards = run.ticker.filter((l) => l.type === 'card');
    assert.equal(cards.filter((l) => l.kind === 'red').length, 9, 'nine red cards');
    assert.equal(cards.filter((l) => l.kind === 'yellow').length, 2, 'two cautions');
    assert.ok(cards.every((l) => l.tag === '~' || l.tag === '>'), 'each tagged with its offence');
    assert.ok(cards.some((l) => l.text === 'Koki Ikeda (JPN) receives a red card (bent knee) from judge 5: 3 cards'));
    const zone = run.ticker.filter((l) => l.type === 'penalty_zone').map((l) => l.text);
    assert.ok(zone.includes('Koki Ikeda (JPN) must enter the Penalty Zone for 2:00 after 3 red cards (TR 54.7.3)'), zone.join(' | '));
    assert.ok(run.ticker.some((l) => l.type === 'irm'
      && l.text === 'Salih Korkmaz (TUR) disqualified by the Chief Judge after 4 red cards (TR 54.7.3)'));
    assert.deepEqual(run.errors, [], 'no script errors on the pages');
  });
});
