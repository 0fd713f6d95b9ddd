// Installs the browser tests' npm dependencies (package-lock.json) into
// tests/web/node_modules, unless the installed ones already match the lock
// file: then it does nothing and needs no network. `npm ci --prefer-offline`
// takes packages from npm's cache when it has them.
//
//   node tests/web/install-deps.mjs      (CTest runs it as the fixture web_deps)

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const lock = path.join(here, 'package-lock.json');
// Written after a successful install: the lock file it installed.
const stamp = path.join(here, 'node_modules', '.splitstream-installed-lock.json');
const needed = ['playwright-core', 'ws'];

export function depsInstalled() {
  try {
    return fs.readFileSync(stamp, 'utf8') === fs.readFileSync(lock, 'utf8') &&
      needed.every((p) => fs.existsSync(path.join(here, 'node_modules', p, 'package.json')));
  } catch {
    return false;
  }
}

export function installDeps() {
  if (depsInstalled()) return false;
  const npm = process.env.NPM ?? 'npm';
  execFileSync(npm, ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: here, stdio: 'inherit', timeout: 240000,
  });
  fs.copyFileSync(lock, stamp);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(installDeps() ? 'installed tests/web/node_modules' : 'tests/web/node_modules is up to date');
}
