// A person's path through the web UI: cascade login form → diary with marks,
// at a desktop and a phone viewport, against a freshly generated demo region.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  VIEWPORTS, WEEKS_BACK, WORK_DIR, countMarksGoingBack, launchBrowser, openLogin, signIn, startServer,
} from './support.mjs';

let server;
let browser;
let student;

before(async () => {
  server = await startServer({ name: 'login' });
  student = server.accounts.find((a) => a.role === 'student');
  assert.ok(student, 'demo-accounts.csv has no student row');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});
for (const vp of VIEWPORTS) {
  test(`student signs in and sees marks (${vp.name} ${vp.width}x${vp.height})`, async () => {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, locale: 'ru-RU' });
    const page = await context.newPage();
    try {
      await openLogin(page, server, student.organization_id);
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname.startsWith('/diary'), { timeout: 15_000 }),
        signIn(page, student.login, student.password),
      ]);
      const marks = await countMarksGoingBack(page);
      await page.screenshot({ path: join(WORK_DIR, `browser-diary-${vp.name}.png`), fullPage: true });
      assert.ok(marks > 0, `no .mark in the diary within ${WEEKS_BACK} weeks back`);
    } catch (e) {
      await page.screenshot({ path: join(WORK_DIR, `browser-failure-${vp.name}.png`), fullPage: true }).catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
}

test('wrong password shows an error', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const page = await context.newPage();
  try {
    await openLogin(page, server, student.organization_id);
    await signIn(page, student.login, `${student.password}-wrong`);
    await page.waitForSelector('.error', { state: 'visible', timeout: 10_000 });
    assert.ok(!new URL(page.url()).pathname.startsWith('/diary'), 'a wrong password must not reach the diary');
    await page.screenshot({ path: join(WORK_DIR, 'browser-login-error.png'), fullPage: true });
  } finally {
    await context.close();
  }
});
