// Stored XSS through an announcement, in headless Chromium: a teacher saves an announcement
// whose title and body carry a <script>, an onerror= handler and a javascript: link; a parent
// opens the announcements page; nothing of it runs and the safe text is shown.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WORK_DIR, launchBrowser, openLogin, signIn, startServer } from './support.mjs';

const MARK = 'Безопасный текст объявления';
const TITLE = `<script>window.__xss = 'title'; document.title = 'XSS'</script>Собрание родителей`;
const BODY = [
  `<p>${MARK}</p>`,
  `<script>window.__xss = 'script'; document.title = 'XSS'</script>`,
  `<img src="/missing.png" onerror="window.__xss = 'onerror'; document.title = 'XSS'">`,
  `<a id="xss-link" href="javascript:window.__xss = 'link'; document.title = 'XSS'">Программа собрания</a>`,
  `<p onmouseover="window.__xss = 'hover'">Наведите</p>`,
].join('\n');

let server;
let browser;
let teacher;
let parent;

before(async () => {
  server = await startServer({ name: 'announcements', studentsPerClass: 3 });
  teacher = server.accounts.find((a) => a.role === 'teacher');
  assert.ok(teacher, 'demo-accounts.csv has no teacher row');
  parent = server.accounts.find((a) => a.role === 'parent' && a.organization_id === teacher.organization_id);
  assert.ok(parent, 'demo-accounts.csv has no parent in the teacher\'s school');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(who) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  await openLogin(page, server, who.organization_id);
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname !== '/login', { timeout: 15_000 }),
    signIn(page, who.login, who.password),
  ]);
  return { context, page, dialogs };
}

test('a script in an announcement does not run for its readers', async () => {
  const author = await signedIn(teacher);
  try {
    await author.page.goto(`${server.url}/announcements/new`);
    await author.page.fill('#announcement-title', TITLE);
    await author.page.fill('#announcement-body', BODY);
    await author.page.check('#audience-all');
    await Promise.all([
      author.page.waitForURL((u) => new URL(u).pathname === '/announcements', { timeout: 15_000 }),
      author.page.click('#announcement-save'),
    ]);
    await author.page.waitForSelector(`text=${MARK}`, { timeout: 10_000 });
  } catch (e) {
    await author.page.screenshot({ path: join(WORK_DIR, 'browser-announcement-author-failure.png'), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await author.context.close();
  }

  const reader = await signedIn(parent);
  const { page } = reader;
  try {
    const resp = await page.goto(`${server.url}/announcements`);
    assert.equal(resp?.status(), 200);
    await page.waitForLoadState('load');
    // The broken image gets its chance to fire an (absent) onerror.
    await page.waitForTimeout(500);
    const article = page.locator('article.announcement', { hasText: MARK });
    assert.equal(await article.count(), 1, 'the announcement is shown to the parent once');
    assert.ok(await article.locator(`text=${MARK}`).isVisible(), 'the safe text is visible');
    // The title is shown as text, the script tag in it included, never as markup.
    const title = await article.locator('h2.announcement-title').innerText();
    assert.equal(title, TITLE);
    const link = article.locator('a', { hasText: 'Программа собрания' });
    assert.equal(await link.count(), 1, 'the link text survives');
    const href = await link.getAttribute('href');
    assert.ok(!href || !/^\s*javascript:/i.test(href), `javascript: link kept: ${href}`);
    await link.click();
    await article.locator('text=Наведите').hover();
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'a payload ran');
    assert.ok(!(await page.title()).includes('XSS'), `title changed to ${await page.title()}`);
    assert.deepEqual(reader.dialogs, []);
    assert.equal(await article.locator('script, [onerror], [onmouseover]').count(), 0);
    await page.screenshot({ path: join(WORK_DIR, 'browser-announcement-xss.png'), fullPage: true });
  } catch (e) {
    await page.screenshot({ path: join(WORK_DIR, 'browser-announcement-failure.png'), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await reader.context.close();
  }
});
