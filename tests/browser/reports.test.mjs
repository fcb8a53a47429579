// Reports in headless Chromium, on a demo region of nine schools in two municipalities:
// a school administrator orders the class progress report from the catalogue, follows its
// progress page to the finished report and downloads it as XLSX and PDF (the PDF's text read
// with pdftotext, its first page rendered with pdftoppm); a municipal authority's officer
// orders the period results and sees the schools of their own municipality and no other.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WORK_DIR, launchBrowser, openLogin, signIn, startServer } from './support.mjs';

let server;
let browser;

before(async () => {
  // Nine schools make two municipalities: the demo puts every third school in the regional
  // centre and the rest in a district.
  server = await startServer({ name: 'reports', schools: 9, studentsPerClass: 2 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(who) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 }, locale: 'ru-RU', acceptDownloads: true,
  });
  const page = await context.newPage();
  await openLogin(page, server, who.organization_id);
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname !== '/login', { timeout: 15_000 }),
    signIn(page, who.login, who.password),
  ]);
  return { context, page };
}

// Submits a catalogue form and follows the job's page until the report is shown; returns
// the states the page showed on the way.
async function orderAndWait(page, submit) {
  await Promise.all([
    page.waitForURL((u) => /^\/reports\/jobs\/\d+$/.test(new URL(u).pathname), { timeout: 15_000 }),
    page.click(submit),
  ]);
  const seen = new Set();
  const deadline = Date.now() + 60_000;
  for (;;) {
    // One look at the page at a time: it reloads itself while the job runs, so separate
    // queries could read two different loads.
    const look = await page.evaluate(() => ({
      state: document.querySelector('#job-state')?.dataset.state ?? null,
      bar: Boolean(document.querySelector('#job-progress')),
      error: document.querySelector('#job-error')?.textContent ?? '',
      done: Boolean(document.querySelector('#report-title')),
    })).catch(() => null); // the page was between two loads
    if (look?.done) return seen;
    if (look?.state) {
      seen.add(look.state);
      assert.notEqual(look.state, 'failed', look.error);
      assert.ok(look.bar, 'a queued or running job shows a progress bar');
    }
    assert.ok(Date.now() < deadline, 'the report was not ready in 60 s');
    await page.waitForTimeout(100);
  }
}

async function download(page, selector, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const saved = join(WORK_DIR, name);
  rmSync(saved, { force: true });
  await file.saveAs(saved);
  return { saved, suggested: file.suggestedFilename() };
}

test('an administrator orders a class progress report and downloads it as XLSX and PDF', async () => {
  const admin = server.accounts.find((a) => a.role === 'administrator');
  assert.ok(admin, 'demo-accounts.csv has no administrator');
  const { context, page } = await signedIn(admin);
  try {
    await page.goto(`${server.url}/reports`);
    const option = await page.$eval('#class-progress-target', (el) => el.selectedOptions[0].textContent.trim());
    const className = option.split(' — ')[0];
    await orderAndWait(page, '#class-progress-submit');
    assert.match(await page.textContent('#report-title'), /Успеваемость класса/);
    assert.ok((await page.textContent('#report-facts')).includes(className), `facts lack ${className}`);
    const cells = await page.$$eval('table.report tbody tr', (rows) => rows.length);
    assert.ok(cells > 0, 'the report has rows');

    const xlsx = await download(page, '#report-xlsx', 'browser-report.xlsx');
    assert.match(xlsx.suggested, /\.xlsx$/);
    const bytes = readFileSync(xlsx.saved);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'XLSX is a zip');
    assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')), 'XLSX has a sheet');

    const pdf = await download(page, '#report-pdf', 'browser-report.pdf');
    assert.match(pdf.suggested, /\.pdf$/);
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf.saved, '-'], { encoding: 'utf8' });
    assert.ok(text.includes('Успеваемость класса'), `the PDF lacks its title:\n${text}`);
    assert.ok(text.includes(className), `the PDF lacks the class ${className}`);
    assert.ok(text.includes('Качество знаний'), 'the PDF lacks the summary');
    const prefix = 'browser-report-page';
    for (const f of readdirSync(WORK_DIR).filter((f) => f.startsWith(prefix))) rmSync(join(WORK_DIR, f));
    execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', pdf.saved, join(WORK_DIR, prefix)]);
    const png = readdirSync(WORK_DIR).find((f) => f.startsWith(prefix) && f.endsWith('.png'));
    assert.ok(png && existsSync(join(WORK_DIR, png)), 'pdftoppm wrote no page');
    assert.ok(statSync(join(WORK_DIR, png)).size > 3_000, 'the first page renders blank');

    // The catalogue lists the finished report.
    await page.goto(`${server.url}/reports`);
    const listed = await page.textContent('#report-jobs');
    assert.ok(listed.includes('Успеваемость класса') && listed.includes('Готов'), listed);
  } finally {
    await context.close();
  }
});

test('a municipal authority officer sees only the schools of their municipality', async () => {
  const officer = server.accounts.find((a) => a.role === 'authority_officer' && a.login === 'uo1');
  assert.ok(officer, 'demo-accounts.csv has no officer uo1');
  // Schools in the order they were generated: the first, fourth and seventh stand in the
  // regional centre, whose authority uo1 works in.
  const schools = [...new Map(server.accounts
    .filter((a) => a.role === 'administrator')
    .map((a) => [Number(a.organization_id), a.organization_short_name])).entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, name]) => name);
  assert.equal(schools.length, 9);
  const own = schools.filter((_, i) => i % 3 === 0);
  const others = schools.filter((_, i) => i % 3 !== 0);

  const { context, page } = await signedIn(officer);
  try {
    await page.goto(`${server.url}/reports`);
    assert.equal(await page.$('#class-progress-form'), null, 'an officer has no class reports');
    await orderAndWait(page, '#period-results-submit');
    assert.match(await page.textContent('#report-title'), /Итоги успеваемости/);
    // The first table is progress by school; the attendance table after it lists the same schools.
    const rows = await page.$$eval('table.report', (tables) =>
      [...tables[0].querySelectorAll('tbody tr:not(.total)')]
        .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    const listed = rows.map((r) => r[2]);
    assert.deepEqual([...listed].sort(), [...own].sort(), 'the schools of the municipality');
    for (const name of others) assert.ok(!listed.includes(name), `${name} is not theirs`);
    const total = await page.$eval('table.report tr.total', (tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()));
    assert.equal(total[2], 'Итого по территории');
    const students = rows.reduce((sum, r) => sum + Number(r[4]), 0);
    assert.equal(Number(total[4]), students, 'the territory total adds up its schools');
  } finally {
    await context.close();
  }
});
