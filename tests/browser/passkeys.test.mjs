// «Мобильный ID» in Chromium with a CDP virtual authenticator: a student signs in with a
// password, adds a passkey from personal settings, signs out, signs in with the passkey alone,
// then removes the device, after which the passkey no longer signs in. In the same personal
// settings, a key for the open API is made, used and revoked.
// WebAuthn needs a secure context whose RP id is a domain: the browser uses http://localhost.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  WORK_DIR, fillCascade, launchBrowser, pathTo, signIn, startServer, trackOptionRequests,
} from './support.mjs';

let server;
let browser;
let student;

before(async () => {
  server = await startServer({ name: 'passkeys', studentsPerClass: 2, publicHost: 'localhost' });
  student = server.accounts.find((a) => a.role === 'student');
  assert.ok(student, 'demo-accounts.csv has no student row');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openLogin(page) {
  const settle = trackOptionRequests(page);
  const resp = await page.goto(`${server.publicUrl}/login`);
  assert.equal(resp?.status(), 200, `/login: HTTP ${resp?.status()}`);
  const path = await pathTo(server, String(student.organization_id));
  assert.ok(path, `organization ${student.organization_id} not reachable through /login/options`);
  await fillCascade(page, settle, path);
}

/** Signs the student in with the password and opens a section of personal settings by its link. */
async function openSettingsSection(page, link, path) {
  await openLogin(page);
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname.startsWith('/diary'), { timeout: 15_000 }),
    signIn(page, student.login, student.password),
  ]);
  await page.click('#my-settings');
  await page.waitForURL((u) => new URL(u).pathname === '/settings');
  await page.click(link);
  await page.waitForURL((u) => new URL(u).pathname === path);
}

async function signOut(page) {
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === '/login', { timeout: 10_000 }),
    page.click('#sign-out'),
  ]);
}

test('register a passkey, sign in with it, remove it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  try {
    // 1. A password sign-in, then personal settings → «Вход и безопасность» → Мобильный ID.
    await openSettingsSection(page, '#passkeys-link', '/settings/passkeys');
    assert.ok(await page.isVisible('#passkeys-empty'), 'a new account has no devices');

    // 2. Add the device: the virtual authenticator answers the browser's request.
    await page.fill('#passkey-new-name', 'Мой телефон');
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('done') === 'added', { timeout: 15_000 }),
      page.click('#passkey-add'),
    ]);
    assert.deepEqual(await page.locator('.passkey-name').allTextContents(), ['Мой телефон']);
    assert.equal((await page.locator('.passkey-used').textContent()).trim(), '—');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the authenticator holds one credential');
    assert.ok(credentials[0].isResidentCredential, 'the passkey is discoverable');
    await page.screenshot({ path: join(WORK_DIR, 'browser-passkeys-added.png'), fullPage: true });

    // 3. Sign out, then sign in with the passkey alone: no organization, login or password.
    await signOut(page);
    await page.goto(`${server.publicUrl}/login`);
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname.startsWith('/diary'), { timeout: 15_000 }),
      page.click('#passkey-sign-in'),
    ]);
    assert.ok(await page.isVisible('#my-settings'), 'signed in: the header shows the person');
    await page.screenshot({ path: join(WORK_DIR, 'browser-passkeys-diary.png'), fullPage: true });

    // 4. The device shows its last use; remove it.
    await page.goto(`${server.publicUrl}/settings/passkeys`);
    assert.notEqual((await page.locator('.passkey-used').textContent()).trim(), '—');
    page.once('dialog', (d) => d.accept());
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('done') === 'removed', { timeout: 10_000 }),
      page.click('.passkey-remove button'),
    ]);
    assert.ok(await page.isVisible('#passkeys-empty'), 'the device is gone from the list');

    // 5. The authenticator still offers the passkey, but the portal no longer accepts it.
    await signOut(page);
    await page.goto(`${server.publicUrl}/login`);
    await page.click('#passkey-sign-in');
    await page.waitForSelector('#passkey-sign-in-error', { state: 'visible', timeout: 10_000 });
    const message = await page.textContent('#passkey-sign-in-error');
    assert.match(message, /не зарегистрирован|удалён/);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.screenshot({ path: join(WORK_DIR, 'browser-passkeys-refused.png'), fullPage: true });
  } catch (e) {
    await page.screenshot({ path: join(WORK_DIR, 'browser-passkeys-failure.png'), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

// «Ключи доступа для приложений» in the same personal settings: a token made on the page works
// for the open API at once, its secret is shown only once, and the page's «Отозвать» ends it;
// the calendar's address is given and revoked on the same page.
test('make an API token in personal settings, use it, revoke it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const page = await context.newPage();
  try {
    await openSettingsSection(page, '#tokens-link', '/settings/tokens');

    await page.fill('#token-name', 'Бот для оценок');
    await page.check('input[name="scopes"][value="diary:read"]');
    await page.check('input[name="scopes"][value="marks:read"]');
    await Promise.all([page.waitForSelector('#token-secret'), page.click('#make-token')]);
    const secret = (await page.textContent('#token-secret')).trim();
    assert.match(secret, /^sgo_/);
    await page.screenshot({ path: join(WORK_DIR, 'browser-token-made.png'), fullPage: true });

    const me = await fetch(`${server.publicUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 200);
    assert.deepEqual((await me.json()).scopes, ['diary:read', 'marks:read']);

    await page.goto(`${server.publicUrl}/settings/tokens`);
    assert.equal(await page.locator('#token-secret').count(), 0, 'the secret is shown only once');
    assert.ok((await page.textContent('#tokens')).includes('Бот для оценок'));
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('revoked') === '1', { timeout: 10_000 }),
      page.click('#tokens button[id^="revoke-token-"]'),
    ]);
    assert.ok(await page.isVisible('#no-tokens'));
    const after = await fetch(`${server.publicUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(after.status, 401);
    assert.equal(after.headers.get('content-type'), 'application/problem+json');

    // The calendar's address on the same page: made on request, read by a calendar program
    // (here fetch, with no cookie), revoked from the page.
    await Promise.all([page.waitForSelector('#calendar-url'), page.click('#make-calendar')]);
    const feedUrl = (await page.textContent('#calendar-url')).trim();
    assert.match(feedUrl, /\/calendar\/sgo_cal_.+\.ics$/);
    const feed = await fetch(feedUrl);
    assert.equal(feed.status, 200);
    assert.match(await feed.text(), /^BEGIN:VCALENDAR\r\n/);
    await Promise.all([
      page.waitForURL((u) => new URL(u).searchParams.get('calendar') === 'revoked', { timeout: 10_000 }),
      page.click('#revoke-calendar'),
    ]);
    assert.equal((await fetch(feedUrl)).status, 404);
  } catch (e) {
    await page.screenshot({ path: join(WORK_DIR, 'browser-token-failure.png'), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

// The API reference linked from the same page: Swagger UI served by the portal itself, every
// file from the portal's own address, and the document's operations shown.
test('the API reference page shows the operations from the portal alone', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const page = await context.newPage();
  try {
    await openSettingsSection(page, '#tokens-link', '/settings/tokens');
    // From here on: what the reference page itself asks for and reports.
    const errors = [];
    const elsewhere = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
    page.on('request', (r) => {
      if (new URL(r.url()).origin !== new URL(server.publicUrl).origin) elsewhere.push(r.url());
    });
    await Promise.all([
      page.waitForURL((u) => new URL(u).pathname === '/api/docs/'),
      page.click('#api-docs-link'),
    ]);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const text = await page.textContent('body');
    for (const path of ['/api/v1/me', '/api/v1/students/{id}/marks', '/api/v1/mail/messages']) {
      assert.ok(text.includes(path), `${path} is not on the page`);
    }
    await page.screenshot({ path: join(WORK_DIR, 'browser-api-docs.png'), fullPage: false });
    assert.deepEqual(elsewhere, [], 'every file comes from the portal');
    // The page keeps the portal's policy (scripts and styles only from the portal's files).
    // Swagger UI applies one inline style the policy refuses; the page works without it (the
    // operations above were read off it). Anything else refused, failed or thrown fails here.
    const unexpected = errors.filter((e) => !e.startsWith('Applying inline style violates'));
    assert.deepEqual(unexpected, [], 'no other console errors');
  } catch (e) {
    await page.screenshot({ path: join(WORK_DIR, 'browser-api-docs-failure.png'), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});
