// The pages on a real false start (docs/protocol.md, Sprint starts): the
// Oregon 2022 110 m hurdles final of tests/data/sprints, replayed into the
// daemon. The ticker shows the false start's headline with a DQ tag; the
// results board lists Devon Allen DQ with TR 16.8 (the rule of the
// disqualification) and every athlete's reaction time.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installDeps } from './install-deps.mjs';
import { Children, freePort, waitFor } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const artifacts = path.join(here, 'artifacts', 'sprints');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const binary = process.env.SPLITSTREAM_BINARY ?? path.join(root, 'build', 'tools', 'splitstream', 'splitstream');
const feed = path.join(root, 'tests', 'data', 'sprints', 'oregon-2022-men-110mh-final.jsonl');
const WAIT_MS = Number(process.env.SPLITSTREAM_WEB_WAIT_MS ?? 60000);
const EVENT = 'M110H-F';

installDeps();
const { chromium } = await import('playwright-core');

fs.mkdirSync(artifacts, { recursive: true });
const children = new Children(artifacts);
let browser;
let base;
const seen = { ticker: null, board: null };

describe('a false start on the pages', () => {
  before(async () => {
    assert.ok(fs.existsSync(binary), `splitstream binary not found at ${binary} (set SPLITSTREAM_BINARY)`);
    const feedPort = await freePort();
    const httpPort = await freePort();
    base = `http://127.0.0.1:${httpPort}`;
    children.start('replay', binary, ['replay', feed, '--serve', `127.0.0.1:${feedPort}`, '--speed', 'max']);
    await waitFor('the replayed feed to listen', () =>
      fs.readFileSync(path.join(artifacts, 'replay.log'), 'utf8').includes('serving'), WAIT_MS);
    children.start('serve', binary, ['serve', '--upstream', `ws://127.0.0.1:${feedPort}/`, '--listen', `127.0.0.1:${httpPort}`,
      '--web-dir', path.join(root, 'publish', 'web')]);
    await waitFor('the race to be official', async () => {
      const dead = children.dead();
      if (dead) throw new Error(dead);
      try {
        const state = await (await fetch(`${base}/v1/events/${EVENT}`)).json();
        return state.status === 'official';
      } catch {
        return false;
      }
    }, WAIT_MS, 150);

    browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    const ticker = await browser.newPage({ viewport: { width: 900, height: 1100 } });
    await ticker.goto(`${base}/ticker?event=${EVENT}&since=0`);
    await waitFor('the ticker to show the results', () =>
      ticker.evaluate(() => document.querySelector('#lines > li[data-type="results"]') !== null), WAIT_MS);
    seen.ticker = await ticker.evaluate(() => [...document.querySelectorAll('#lines > li')].map((li) => ({
      type: li.dataset.type,
      outcome: li.dataset.outcome ?? null,
      tag: li.querySelector('.tag')?.textContent ?? null,
      text: li.querySelector('.text').textContent,
    })));
    await ticker.screenshot({ path: path.join(artifacts, 'ticker-false-start.png') });

    const board = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await board.goto(`${base}/graphics?event=${EVENT}&view=results&bg=%23223344`);
    await waitFor('the board to show the results', () =>
      board.evaluate(() => document.querySelectorAll('#rows .row[data-medal]').length === 3), WAIT_MS);
    seen.board = await board.evaluate(() => ({
      reactions: document.getElementById('board').dataset.reactions ?? null,
      rows: [...document.querySelectorAll('#rows .row')].map((r) => ({
        bib: r.dataset.bib,
        status: r.dataset.status,
        value: r.querySelector('.value').textContent,
        reaction: r.querySelector('.reaction').textContent,
        reactionShown: getComputedStyle(r.querySelector('.reaction')).display !== 'none',
      })),
    }));
    await board.screenshot({ path: path.join(artifacts, 'graphics-false-start.png'), animations: 'disabled' });
  });

  after(async () => {
    await browser?.close();
    await children.stopAll();
  });

  test('the ticker headlines the false start and its disqualification (TR 16.6, TR 16.8)', () => {
    const lines = seen.ticker.filter((l) => l.type === 'false_start');
    assert.equal(lines.length, 1);
    assert.equal(lines[0].text, 'Devon Allen (USA) false start, reaction 0.099: disqualified (TR 16.8)');
    assert.equal(lines[0].tag, 'DQ');
    assert.equal(lines[0].outcome, 'dq');
  });

  test('the results board lists the false starter DQ with TR 16.8 and prints every reaction time', () => {
    assert.equal(seen.board.reactions, 'true');
    const row = (bib) => seen.board.rows.find((r) => r.bib === bib);
    assert.equal(row('103').status, 'DQ');
    assert.equal(row('103').value, 'TR16.8');
    assert.equal(row('103').reaction, '0.099');
    assert.equal(row('104').value, '13.03');
    assert.equal(row('104').reaction, '0.135', 'the restart\'s reaction, not the recalled start\'s 0.132');
    assert.ok(row('104').reactionShown, 'the reaction column is drawn');
    assert.equal(row('105').status, 'DNS');
    assert.equal(row('105').reaction, '', 'no reaction for an athlete who did not start');
  });
});
