// Shared by the browser journeys: a demo server of our own, headless Chromium, the login form.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..', '..');
export const WORK_DIR = join(REPO_ROOT, 'tests', '.work');
const DEMO_TIMEOUT_MS = 600_000;
const HEALTH_TIMEOUT_MS = 60_000;
export const WEEKS_BACK = 10;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 375, height: 812 },
];

const CASCADE = ['#region', '#municipality', '#settlement', '#kind', '#organization'];
const CASCADE_PARAMS = ['region', 'municipality', 'settlement', 'kind'];


function sgoBin() {
  const raw = process.env.SGO_BIN || 'target/debug/sgo';
  const path = isAbsolute(raw) ? raw : join(REPO_ROOT, raw);
  if (!existsSync(path)) throw new Error(`sgo binary not found at ${path} (build it or set SGO_BIN)`);
  return path;
}

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function logTail(path, lines = 40) {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '<no log>';
  }
}

// sgo reads ./sgo.toml and SGO_* variables: run it from a scratch dir, and never let a
// developer's SGO_DATABASE_URL move this SQLite test onto PostgreSQL.
function sgoSpawnOptions(cwd, extraEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  delete env.SGO_DATABASE_URL;
  // The journeys sign the same demo accounts in from many tests within a minute; the
  // per-account limits are tested in crates/web/tests/rates.rs and must not fail them.
  env.SGO_SIGN_INS_PER_MINUTE ??= '600';
  env.SGO_MAX_SESSIONS_PER_ACCOUNT ??= '1000';
  return { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] };
}

function run(cmd, args, cwd, logStream, timeoutMs) {
  return new Promise((ok, fail) => {
    logStream.write(`$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, sgoSpawnOptions(cwd));
    child.stdout.pipe(logStream, { end: false });
    child.stderr.pipe(logStream, { end: false });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${args[0]} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => { clearTimeout(timer); fail(e); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok();
      else fail(new Error(`${cmd} ${args[0]} exited ${code ?? signal}`));
    });
  });
}

// RFC 4180: display names may contain commas or quotes.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  const [header, ...body] = rows;
  header[0] = header[0].replace(/^\uFEFF/, '');
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

async function waitHealthy(proc, url, log) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`sgo serve exited ${proc.exitCode} before /healthz; log ${log}:\n${logTail(log)}`);
    }
    try {
      const resp = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (resp.status === 200) return;
      last = `HTTP ${resp.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`/healthz not 200 within ${HEALTH_TIMEOUT_MS} ms (${last}); log ${log}:\n${logTail(log)}`);
}

async function options(server, params) {
  const query = new URLSearchParams(params).toString();
  const resp = await fetch(`${server.url}/login/options${query ? `?${query}` : ''}`);
  assert.equal(resp.status, 200, `/login/options?${query}: HTTP ${resp.status}`);
  const list = await resp.json();
  assert.ok(Array.isArray(list), `/login/options?${query} is not an array`);
  return list;
}

// Depth-first over the cascade until the organisation shows up; the CSV names only
// the organisation, so its region/municipality/settlement/kind must be discovered.
export async function pathTo(server, orgId, params = {}, depth = 0) {
  const list = await options(server, params);
  if (depth === CASCADE_PARAMS.length) {
    return list.some((o) => String(o.id) === orgId) ? [orgId] : null;
  }
  for (const item of list) {
    const id = String(item.id);
    const rest = await pathTo(server, orgId, { ...params, [CASCADE_PARAMS[depth]]: id }, depth + 1);
    if (rest) return [id, ...rest];
  }
  return null;
}

// Resolves once no /login/options request is in flight and none started during a
// short quiet period, so the page script has applied the last answer.
export function trackOptionRequests(page) {
  let pending = 0;
  const isOptions = (req) => req.url().includes('/login/options');
  page.on('request', (req) => { if (isOptions(req)) pending++; });
  const done = (req) => { if (isOptions(req)) pending--; };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return async function settle(timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3) {
      if (Date.now() > deadline) throw new Error('/login/options requests did not settle');
      quiet = pending === 0 ? quiet + 1 : 0;
      await page.waitForTimeout(50);
    }
  };
}

export async function fillCascade(page, settle, path) {
  // A level the page preselected (single option) can re-fetch the next level after
  // we chose it; re-check the whole chain and redo it if a late answer reset it.
  for (let attempt = 0; attempt < 3; attempt++) {
    await settle();
    for (let i = 0; i < CASCADE.length; i++) {
      const current = await page.$eval(CASCADE[i], (el) => el.value).catch(() => '');
      if (current !== path[i]) {
        await page.selectOption(CASCADE[i], path[i], { timeout: 10_000 });
      }
      await settle();
    }
    const values = await Promise.all(CASCADE.map((sel) => page.$eval(sel, (el) => el.value)));
    if (values.every((v, i) => v === path[i])) return;
  }
  const values = await Promise.all(CASCADE.map((sel) => page.$eval(sel, (el) => el.value)));
  assert.deepEqual(values, path, 'cascade selects did not keep the chosen values');
}

export async function openLogin(page, server, orgId) {
  const settle = trackOptionRequests(page);
  const resp = await page.goto(`${server.url}/login`);
  assert.equal(resp?.status(), 200, `/login: HTTP ${resp?.status()}`);
  const path = await pathTo(server, String(orgId));
  assert.ok(path, `organization ${orgId} not reachable through /login/options`);
  await fillCascade(page, settle, path);
}

export async function signIn(page, login, password) {
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('#sign-in');
}

export async function countMarksGoingBack(page) {
  let marks = await page.locator('.mark').count();
  for (let i = 0; marks === 0 && i < WEEKS_BACK; i++) {
    const before = page.url();
    await page.click('a#prev-week');
    await page.waitForURL((u) => u.toString() !== before, { timeout: 10_000 });
    await page.waitForLoadState('load');
    marks = await page.locator('.mark').count();
  }
  return marks;
}

// Generates a demo region into a scratch directory and serves it on a free loopback port.
// `config` (TOML) goes to the scratch directory's sgo.toml; `port` fixes the listening port.
// `publicHost` (e.g. 'localhost', which WebAuthn needs) becomes the server's public_url and
// `publicUrl`, the address for the browser; `url` stays the loopback address for fetch().
export async function startServer({ name, schools = 1, studentsPerClass = 6, seed = 7, port: fixedPort, config, publicHost = null }) {
  mkdirSync(WORK_DIR, { recursive: true });
  const bin = sgoBin();
  const scratch = mkdtempSync(join(tmpdir(), 'sgo-browser-'));
  const dataDir = join(scratch, 'data');
  if (config) writeFileSync(join(scratch, 'sgo.toml'), config);
  const log = join(WORK_DIR, `browser-server-${name}.log`);
  const logStream = createWriteStream(log);
  try {
    await run(bin, ['demo', '--data-dir', dataDir, '--schools', String(schools),
      '--students-per-class', String(studentsPerClass), '--seed', String(seed)],
    scratch, logStream, DEMO_TIMEOUT_MS);
  } catch (e) {
    throw new Error(`${e.message}; log ${log}:\n${logTail(log)}`);
  }
  const accounts = parseCsv(readFileSync(join(dataDir, 'demo-accounts.csv'), 'utf8'));
  const port = fixedPort ?? await freePort();
  const url = `http://127.0.0.1:${port}`;
  const publicUrl = publicHost ? `http://${publicHost}:${port}` : url;
  const args = ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`];
  logStream.write(`$ ${bin} ${args.join(' ')}\n`);
  const proc = spawn(bin, args, sgoSpawnOptions(scratch, publicHost ? { SGO_PUBLIC_URL: publicUrl } : {}));
  proc.stdout.pipe(logStream, { end: false });
  proc.stderr.pipe(logStream, { end: false });
  await waitHealthy(proc, url, log);
  return {
    url, publicUrl, proc, scratch, log, accounts, dataDir,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

// Headless Debian Chromium; Playwright gives every launch a fresh temporary profile.
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// The steps of one journey, as tests in order: after a failed step the later ones are skipped,
// and the failing step leaves a screenshot of the page named `browser-<name>-failure-<step>.png`.
export function journeySteps(name, currentPage) {
  let failed = null;
  return (step, fn) => {
    test(step, async (t) => {
      if (failed) {
        t.skip(`an earlier step failed: ${failed}`);
        return;
      }
      try {
        await fn();
      } catch (e) {
        failed = step;
        const shot = join(WORK_DIR, `browser-${name}-failure-${step.replace(/[^a-z0-9]+/gi, '-')}.png`);
        await currentPage()?.screenshot({ path: shot, fullPage: true }).catch(() => {});
        throw e;
      }
    });
  };
}
