// Shared pieces of the browser tests: ports, bounded waits, child processes
// (the daemon and its upstream) that end with the test, and reading a PNG's
// pixels in the browser.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function log(...args) {
  console.log('#', ...args);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Polls `fn` until it returns something truthy, at most `timeoutMs`. An
// error with `fatal` set ends the wait at once.
export async function waitFor(what, fn, timeoutMs, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      if (err.fatal) throw err;
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

// Child processes whose output goes to `artifacts/<name>.log`; all of them
// are killed when this process exits, whatever ends it.
export class Children {
  constructor(artifacts) {
    this.artifacts = artifacts;
    this.list = [];
    process.on('exit', () => {
      for (const c of this.list) if (!c.done) c.kill('SIGKILL');
    });
  }

  start(name, cmd, args) {
    const out = fs.openSync(path.join(this.artifacts, `${name}.log`), 'w');
    const child = spawn(cmd, args, { stdio: ['ignore', out, out] });
    child.name = name;
    child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.exited.then(({ code, signal }) => { child.done = true; child.result = { code, signal }; });
    this.list.push(child);
    log(`started ${name}: ${cmd} ${args.join(' ')}`);
    return child;
  }

  // The first child that has exited, with the end of its log, or null.
  dead() {
    const c = this.list.find((x) => x.done);
    if (!c) return null;
    const tail = fs.readFileSync(path.join(this.artifacts, `${c.name}.log`), 'utf8').trim().split('\n').slice(-5).join(' | ');
    return `${c.name} exited (${JSON.stringify(c.result)}): ${tail}`;
  }

  async stopAll() {
    for (const c of [...this.list].reverse()) {
      if (c.done) continue;
      c.kill('SIGTERM');
      const done = await Promise.race([c.exited, sleep(3000).then(() => null)]);
      if (!done) c.kill('SIGKILL');
    }
  }
}

// The RGBA of pixel (x, y) of a PNG, decoded by the browser `page` runs.
export async function pixelOf(page, png, x, y) {
  return page.evaluate(async ({ data, x, y }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return [...ctx.getImageData(x, y, 1, 1).data];
  }, { data: png.toString('base64'), x, y });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}
