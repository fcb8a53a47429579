// Issue 4, first acceptance journey, in headless Chromium: a teacher enters an absence, homework
// with a file and a mark in the journal; the parent of that student signs in and sees all three
// in the diary and downloads the file; the teacher changes the mark and the history shows both
// values; the parent then sees the new mark.
//
// Teachers and parents come from the demo credential sheet (its `children` column names a
// parent's children); the teacher's lessons are searched for one whose class has such a child.
// Steps run in order; after a failure the rest are skipped (screenshot in tests/.work).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORK_DIR, journeySteps, launchBrowser, openLogin, signIn, startServer } from './support.mjs';

const STEP_TIMEOUT_MS = 15_000;
const HOMEWORK = 'Выучить стихотворение «Зимнее утро»';
const FILE_NAME = 'Зимнее утро.txt';
const FILE_TEXT = 'Мороз и солнце; день чудесный!\n';
const ABSENCE = 'НП';

let server;
let browser;
let teacherContext;
let parentContext;
let page; // the page of the person acting in the current step
const state = {};
let scratch;

before(async () => {
  server = await startServer({ name: 'journal-journey', schools: 1, studentsPerClass: 4, seed: 13 });
  browser = await launchBrowser();
  scratch = mkdtempSync(join(tmpdir(), 'sgo-journal-'));
  state.file = join(scratch, FILE_NAME);
  writeFileSync(state.file, FILE_TEXT);
});

after(async () => {
  await teacherContext?.close();
  await parentContext?.close();
  await browser?.close();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const step = journeySteps('journal', () => page);

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU', acceptDownloads: true });
  const p = await context.newPage();
  p.setDefaultTimeout(STEP_TIMEOUT_MS);
  return [context, p];
}

async function signInAs(p, account) {
  await openLogin(p, server, account.organization_id);
  await Promise.all([
    p.waitForURL((u) => !new URL(u).pathname.startsWith('/login'), { timeout: STEP_TIMEOUT_MS }),
    signIn(p, account.login, account.password),
  ]);
}

const mondayOf = (iso) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
};

// Clicks a submit button and waits for the page its form leads to, failing with the page's
// error messages when the answer is not a success.
async function submit(selector) {
  const answer = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.request().method() === 'POST',
  );
  await page.click(selector);
  const resp = await answer;
  await page.waitForLoadState('load');
  if (resp.status() >= 400) {
    const errors = await page.$$eval('.field-error, .error-box, .error', (els) => els.map((e) => e.textContent.trim())).catch(() => []);
    assert.fail(`${selector}: HTTP ${resp.status()} ${errors.join(' | ')}`);
  }
}

// Types a mark into a grid cell and waits until the page says it is saved.
async function typeMark(assignment, student, value) {
  const cell = page.locator(`input.mark-cell[data-assignment="${assignment}"][data-student="${student}"]`);
  await cell.fill(value);
  await cell.press('Enter');
  await page.waitForFunction(
    ([a, s]) => document.querySelector(`input.mark-cell[data-assignment="${a}"][data-student="${s}"]`)?.dataset.state === 'saved',
    [assignment, student],
    { timeout: STEP_TIMEOUT_MS },
  );
}

// The mark given for the homework in a diary lesson: the mark links to the same card as the work.
async function markOf(lesson) {
  const card = await lesson.locator('a.diary-work', { hasText: HOMEWORK }).getAttribute('href');
  const mark = lesson.locator(`a.mark[href="${card}"]`);
  assert.equal(await mark.count(), 1, `no mark linked to ${card}`);
  return (await mark.evaluate((a) => a.firstChild.textContent)).trim();
}

step('a teacher finds a lesson of a class with a parent on the credential sheet', async () => {
  const parents = server.accounts.filter((a) => a.role === 'parent' && a.children);
  const teachers = server.accounts.filter((a) => a.role === 'teacher');
  assert.ok(parents.length > 0 && teachers.length > 0, 'the demo sheet has no teachers or parents with children');
  const childToParent = new Map();
  for (const p of parents) for (const c of p.children.split('; ')) childToParent.set(c, p);
  for (const teacher of teachers) {
    [teacherContext, page] = await newPage();
    await signInAs(page, teacher);
    await page.goto(`${server.url}/journal`);
    const lessons = await page.$$eval('a.journal-lesson', (as) => as.map((a) => ({ href: a.getAttribute('href'), date: a.dataset.date })));
    const today = new Date().toISOString().slice(0, 10);
    // Lessons already held first: attendance is kept for those.
    lessons.sort((x, y) => (x.date <= today) === (y.date <= today) ? y.date.localeCompare(x.date) : (x.date <= today ? -1 : 1));
    for (const lesson of lessons) {
      await page.goto(`${server.url}${lesson.href}`);
      const students = await page.$$eval('#attendance-form select[name^="attendance-"]', (sels) => sels.map((s) => ({
        id: s.name.slice('attendance-'.length),
        row: (s.closest('tr, li, .row, label')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      })));
      for (const s of students) {
        const name = [...childToParent.keys()].find((c) => s.row.includes(c));
        if (name) {
          Object.assign(state, { teacher, parent: childToParent.get(name), child: name, student: s.id, lesson: lesson.href, date: lesson.date });
          return;
        }
      }
    }
    await teacherContext.close();
    teacherContext = null;
  }
  assert.fail('no teacher has a lesson with a student whose parent is on the credential sheet');
});

step('the teacher marks the student absent', async () => {
  await page.selectOption(`#attendance-form select[name="attendance-${state.student}"]`, { label: ABSENCE }).catch(async () => {
    await page.selectOption(`#attendance-form select[name="attendance-${state.student}"]`, ABSENCE);
  });
  await submit('#attendance-save');
  assert.equal(await page.inputValue(`#attendance-form select[name="attendance-${state.student}"]`), ABSENCE);
});

step('the teacher sets homework with a file', async () => {
  const types = await page.$$eval('#assignment-type option', (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
  const homework = types.find((t) => /домашн/i.test(t.text)) ?? types.find((t) => t.value);
  await page.selectOption('#assignment-type', homework.value);
  await page.fill('#assignment-title', HOMEWORK);
  await page.fill('#assignment-description', 'Наизусть, к следующему уроку');
  await page.fill('#assignment-due', state.date);
  await page.setInputFiles('#assignment-files', state.file);
  await submit('#assignment-save');
  const item = page.locator('li.journal-assignment[data-assignment]', { hasText: HOMEWORK }).first();
  state.assignment = await item.getAttribute('data-assignment');
  assert.ok(state.assignment, 'the new assignment is not listed with its id');
  const link = item.locator('a[href^="/files/"]', { hasText: FILE_NAME });
  assert.equal(await link.count(), 1, 'the homework file is not listed');
});

step('the teacher enters a mark in the grid', async () => {
  const group = await page.getAttribute('a[href^="/journal/group/"]', 'href');
  await page.goto(`${server.url}${group}`);
  await typeMark(state.assignment, state.student, '4');
  await page.reload();
  assert.equal(
    await page.inputValue(`input.mark-cell[data-assignment="${state.assignment}"][data-student="${state.student}"]`),
    '4',
  );
  state.group = group;
});

step('the parent sees the absence, the homework and the mark, and downloads the file', async () => {
  [parentContext, page] = await newPage();
  await signInAs(page, state.parent);
  await page.goto(`${server.url}/diary?student=${state.student}&week=${mondayOf(state.date)}`);
  const lesson = page.locator('li.lesson', { hasText: HOMEWORK });
  assert.equal(await lesson.count(), 1, 'the homework is not in the diary');
  assert.equal((await lesson.locator('.attendance-code').textContent()).trim(), ABSENCE, 'absence not in the diary');
  assert.equal(await markOf(lesson), '4', 'the mark is not on the homework');
  const link = lesson.locator('a.diary-file', { hasText: FILE_NAME });
  assert.equal(await link.count(), 1, 'no file link in the diary');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = join(scratch, 'downloaded.txt');
  await download.saveAs(saved);
  assert.equal(download.suggestedFilename(), FILE_NAME);
  assert.equal(readFileSync(saved, 'utf8'), FILE_TEXT);
  await page.screenshot({ path: join(WORK_DIR, 'browser-journal-parent-diary.png'), fullPage: true });
});

step('the teacher changes the mark and the history shows both values', async () => {
  page = teacherContext.pages()[0];
  await page.goto(`${server.url}${state.group}`);
  await typeMark(state.assignment, state.student, '5');
  await page.goto(`${server.url}/journal/mark-history?assignment=${state.assignment}&student=${state.student}`);
  const rows = await page.$$eval('#mark-history tr', (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ').trim()));
  const text = rows.join('\n');
  assert.ok(rows.some((r) => /4/.test(r)) && rows.some((r) => /5/.test(r)), `history lacks 4 and 5:\n${text}`);
  assert.ok(rows.some((r) => r.includes(state.teacher.display_name.split(' ')[0])), `history does not name the teacher:\n${text}`);
  await page.screenshot({ path: join(WORK_DIR, 'browser-journal-history.png'), fullPage: true });
});

step('the parent sees the new mark', async () => {
  page = parentContext.pages()[0];
  await page.reload();
  assert.equal(await markOf(page.locator('li.lesson', { hasText: HOMEWORK })), '5', 'the changed mark is not shown');
});
