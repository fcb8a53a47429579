// Sign-in with ESIA (Госуслуги) in Chromium against a real OpenID Connect provider process
// (npm oidc-provider, idp.mjs): linking from personal settings with the warning and success pages;
// one linked account; two and the chooser; none and the error page; the confirmed-account rule
// (a 14+ student refused with a standard account, admitted with a confirmed one; a younger student
// admitted by password).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import {
  WORK_DIR, freePort, launchBrowser, openLogin, signIn, startServer,
} from './support.mjs';

let server;
let browser;
let idp;
let idpUrl;
let usersFile;
let teen;
let child;
const users = {};

function age(birth, today = new Date()) {
  const [y, m, d] = birth.split('-').map(Number);
  let years = today.getFullYear() - y;
  if (today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d)) years--;
  return years;
}

// The demo generates birth dates; read them from the server's database to pick students by age.
function studentsWithBirthDates(dataDir) {
  const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("""SELECT a.login, a.organization_id, p.birth_date, p.last_name, p.first_name
  FROM accounts a JOIN persons p ON p.id = a.person_id JOIN account_roles r ON r.account_id = a.id
  WHERE r.role = 'student' AND p.birth_date IS NOT NULL ORDER BY a.id""").fetchall()
print(json.dumps(rows))`;
  const out = execFileSync('python3', ['-c', script, join(dataDir, 'sgo.db')], { encoding: 'utf8' });
  return JSON.parse(out).map(([login, org, birth, last, first]) => ({
    login, organization_id: String(org), birth: String(birth).slice(0, 10), last, first,
  }));
}

function setUsers(more) {
  Object.assign(users, more);
  writeFileSync(usersFile, JSON.stringify(users));
}

async function waitPort(port) {
  for (let i = 0; i < 150; i++) {
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => { s.end(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`provider not listening on ${port}`);
}

before(async () => {
  const port = await freePort();
  const idpPort = await freePort();
  idpUrl = `http://127.0.0.1:${idpPort}`;
  mkdirSync(WORK_DIR, { recursive: true });
  usersFile = join(WORK_DIR, 'esia-idp-users.json');
  setUsers({});
  const log = createWriteStream(join(WORK_DIR, 'esia-idp.log'));
  idp = spawn(process.execPath, [join(import.meta.dirname, 'idp.mjs')], {
    env: {
      ...process.env,
      OP_PORT: String(idpPort),
      RP_REDIRECT: `http://127.0.0.1:${port}/esia/callback`,
      IDP_USERS: usersFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  idp.stdout.pipe(log);
  idp.stderr.pipe(log);
  await waitPort(idpPort);
  server = await startServer({
    name: 'esia',
    port,
    config: `public_url = "http://127.0.0.1:${port}"

[esia]
profile = "oidc"
issuer = "${idpUrl}"
client_id = "sgo-test"
client_secret = "sgo-test-secret"
scopes = ["openid", "fullname", "birthdate", "snils"]
`,
  });
  const students = studentsWithBirthDates(server.dataDir);
  const pick = (fits) => students.find((s) => fits(age(s.birth)));
  const t = pick((a) => a === 15) ?? pick((a) => a >= 14 && a <= 17);
  const c = pick((a) => a === 12) ?? pick((a) => a < 14);
  assert.ok(t && c, 'the demo has no student of 14+ or of under 14');
  const password = (s) => server.accounts.find((a) => a.login === s.login && a.organization_id === s.organization_id);
  teen = { ...t, ...password(t) };
  child = { ...c, ...password(c) };
  const claims = (s, trusted) => ({ family_name: s.last, given_name: s.first, birthdate: s.birth, trusted });
  setUsers({
    'esia-teacher': { family_name: 'Учителева', given_name: 'Анна', birthdate: '1980-01-01', trusted: false },
    'esia-two': { family_name: 'Двоева', given_name: 'Нина', birthdate: '1981-01-01', trusted: false },
    'esia-nobody': { family_name: 'Никтоев', given_name: 'Иван', birthdate: '1982-01-01', trusted: true },
    'teen-standard': claims(teen, false),
    'teen-confirmed': claims(teen, true),
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  idp?.kill('SIGTERM');
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  return { context, page: await context.newPage() };
}

// The provider's development login (any password) and consent pages, until back on our site.
async function throughProvider(page, login) {
  for (let i = 0; i < 6; i++) {
    await page.waitForLoadState('load');
    if (!page.url().startsWith(idpUrl)) return;
    const prompt = await page.$eval('input[name=prompt]', (e) => e.value).catch(() => null);
    if (prompt === 'login') {
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', 'any');
    } else if (prompt !== 'consent') {
      throw new Error(`unexpected provider page ${page.url()}`);
    }
    const before = page.url();
    await Promise.all([
      page.waitForURL((u) => u.toString() !== before, { timeout: 15_000 }),
      page.click('button[type=submit]'),
    ]);
  }
  throw new Error('the provider did not send the browser back');
}

async function esiaSignIn(page, login) {
  await page.goto(`${server.url}/login`);
  await Promise.all([
    page.waitForURL((u) => u.toString().startsWith(idpUrl), { timeout: 15_000 }),
    page.click('#esia-sign-in'),
  ]);
  await throughProvider(page, login);
  await page.waitForLoadState('load');
}

async function passwordSignIn(page, account) {
  await openLogin(page, server, account.organization_id);
  await signIn(page, account.login, account.password);
  await page.waitForLoadState('load');
}

// Signs in with the password, links ESIA user `login` from personal settings.
async function link(account, login, { clickThrough = false } = {}) {
  const { context, page } = await newPage();
  try {
    await passwordSignIn(page, account);
    if (clickThrough) {
      await page.goto(`${server.url}/settings`);
      await page.click('#esia-settings');
      await page.waitForSelector('#esia-no-links');
      await page.click('#esia-link');
    } else {
      await page.goto(`${server.url}/settings/esia/link`);
    }
    const warning = await page.textContent('#esia-link-warning');
    assert.match(warning, /будете перенаправлены на портал госуслуг/);
    if (clickThrough) await page.screenshot({ path: join(WORK_DIR, 'browser-esia-link-warning.png'), fullPage: true });
    await Promise.all([
      page.waitForURL((u) => u.toString().startsWith(idpUrl), { timeout: 15_000 }),
      page.click('#esia-continue'),
    ]);
    await throughProvider(page, login);
    await page.waitForSelector('#esia-notice');
    assert.match(await page.textContent('#esia-notice'), /привязана/);
    assert.match(await page.textContent('#esia-links'), new RegExp(login));
    if (clickThrough) await page.screenshot({ path: join(WORK_DIR, 'browser-esia-linked.png'), fullPage: true });
  } finally {
    await context.close();
  }
}

function staff(role, n = 0) {
  const list = server.accounts.filter((a) => a.role === role);
  assert.ok(list.length > n, `no ${role} #${n}`);
  return list[n];
}

test('linking from personal settings: warning page, provider, success notice', async () => {
  await link(staff('teacher'), 'esia-teacher', { clickThrough: true });
});

test('ESIA sign-in with one linked account', async () => {
  const { context, page } = await newPage();
  try {
    await esiaSignIn(page, 'esia-teacher');
    assert.equal(new URL(page.url()).pathname, '/home');
    assert.match(await page.textContent('body'), new RegExp(staff('teacher').display_name));
  } finally {
    await context.close();
  }
});

test('ESIA sign-in with two linked accounts and the chooser', async () => {
  const teacher = staff('teacher', 1);
  const admin = staff('administrator');
  await link(teacher, 'esia-two');
  await link(admin, 'esia-two');
  const { context, page } = await newPage();
  try {
    await esiaSignIn(page, 'esia-two');
    assert.equal(new URL(page.url()).pathname, '/esia/choose');
    const table = await page.textContent('#esia-accounts');
    for (const text of [teacher.display_name, admin.display_name, admin.organization_short_name, 'Учитель', 'Администратор']) {
      assert.ok(table.includes(text), `chooser lacks ${text}`);
    }
    await page.screenshot({ path: join(WORK_DIR, 'browser-esia-chooser.png'), fullPage: true });
    const row = page.locator('#esia-accounts tbody tr', { hasText: admin.display_name });
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname === '/home', { timeout: 15_000 }),
      row.locator('button').click(),
    ]);
    assert.match(await page.textContent('body'), new RegExp(admin.display_name));
  } finally {
    await context.close();
  }
});

test('ESIA sign-in with no linked account shows what to do', async () => {
  const { context, page } = await newPage();
  try {
    await esiaSignIn(page, 'esia-nobody');
    const text = await page.textContent('#esia-not-linked');
    assert.match(text, /не привязан ни один пользователь/);
    assert.match(text, /Персональные настройки/);
    await page.screenshot({ path: join(WORK_DIR, 'browser-esia-not-linked.png'), fullPage: true });
    const cookies = await context.cookies();
    assert.ok(!cookies.some((c) => c.name === 'sgo_session'), 'no session without a linked account');
  } finally {
    await context.close();
  }
});

test('confirmed-account rule: 14+ student refused with a standard account, admitted with a confirmed one; younger by password', async () => {
  // Links made while the region has no rule.
  await link(teen, 'teen-standard');
  await link(teen, 'teen-confirmed');
  const regionAdmin = staff('region_administrator');
  let { context, page } = await newPage();
  try {
    await passwordSignIn(page, regionAdmin);
    await page.goto(`${server.url}/region/esia`);
    await page.check('#esia-required');
    await page.fill('#esia-from', '2018-03-01');
    await page.click('#esia-save');
    await page.waitForSelector('#esia-settings-notice');
  } finally {
    await context.close();
  }

  ({ context, page } = await newPage());
  try {
    await esiaSignIn(page, 'teen-standard');
    const text = await page.textContent('body');
    assert.match(text, /подтверждённой/);
    assert.match(text, /стандартная/);
    await page.screenshot({ path: join(WORK_DIR, 'browser-esia-standard-refused.png'), fullPage: true });
  } finally {
    await context.close();
  }

  ({ context, page } = await newPage());
  try {
    await esiaSignIn(page, 'teen-confirmed');
    assert.equal(new URL(page.url()).pathname, '/diary', `${teen.login} (${age(teen.birth)}) not admitted`);
  } finally {
    await context.close();
  }

  ({ context, page } = await newPage());
  try {
    await passwordSignIn(page, teen);
    await page.waitForSelector('.error');
    assert.match(await page.textContent('.error'), /Вход запрещён/);
  } finally {
    await context.close();
  }

  ({ context, page } = await newPage());
  try {
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname === '/diary', { timeout: 15_000 }),
      passwordSignIn(page, child),
    ]);
    assert.ok(age(child.birth) < 14);
  } finally {
    await context.close();
  }
});
