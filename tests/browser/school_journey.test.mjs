// Issue 3, first acceptance journey, in headless Chromium at a desktop viewport:
// the region administrator adds a school and its administrator; that administrator sets up
// a year with periods, a class, a subject, a teacher, a subject group, bells and a timetable,
// adds a student and a parent and prints the credential sheet (a PDF checked with
// pdftotext/pdftoppm); the parent signs in with the one-time password from the sheet, is made
// to change it, and sees the child's lessons in the diary of the current week.
//
// The steps share one browser context and run in order; once a step fails the rest are
// skipped, so the first failure is the one reported (with a screenshot in tests/.work).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WORK_DIR, journeySteps, launchBrowser, openLogin, signIn, startServer } from './support.mjs';

const STEP_TIMEOUT_MS = 15_000;

// The academic year that holds today (September to May), so that the diary of the current
// week has lessons whatever day the test runs on.
const TODAY = new Date();
const YEAR_FROM = TODAY.getUTCMonth() >= 8 ? TODAY.getUTCFullYear() : TODAY.getUTCFullYear() - 1;
const YEAR_START = `${YEAR_FROM}-09-01`;
const YEAR_END = `${YEAR_FROM + 1}-05-31`;
const iso = (d) => d.toISOString().slice(0, 10);
function mondayOf(d) {
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  m.setUTCDate(m.getUTCDate() - ((m.getUTCDay() + 6) % 7));
  return m;
}
// From the Monday of this week, unless the year started later (a run in early September).
const TIMETABLE_FROM = iso(mondayOf(TODAY)) < YEAR_START ? YEAR_START : iso(mondayOf(TODAY));
// Summer: no lessons this week, so the diary is looked at on the first week of the year.
const DIARY_WEEK = iso(mondayOf(TODAY)) > YEAR_END ? YEAR_START : null;

const SCHOOL = {
  short_name: 'МБОУ «Лесная СОШ»',
  full_name: 'Муниципальное бюджетное общеобразовательное учреждение «Лесная средняя общеобразовательная школа»',
  inn: '7701234567',
  ogrn: '1027700123456',
  email: 'lesnaya-school@example.ru',
  director: 'Соколова Анна Петровна',
};
const ADMIN = { last: 'Берёзкина', first: 'Ольга', middle: 'Викторовна' };
const ADMIN_PASSWORD = 'Lesnaya-Admin-2026';
const TEACHER = { last: 'Кедрова', first: 'Марина', middle: 'Сергеевна', birth: '1985-04-12' };
const STUDENT = { last: 'Соснин', first: 'Артём', middle: 'Игоревич', birth: '2015-03-14' };
const PARENT = { last: 'Соснина', first: 'Елена', middle: 'Андреевна', birth: '1987-11-02' };
const PARENT_PASSWORD = 'Hvoinyi-Les-Parent-2026';
const SUBJECT = { name: 'Краеведение', short: 'Краевед.' };
const CLASS = { grade: '5', letter: 'Л' };
const BELLS = [['08:30', '09:15'], ['09:25', '10:10'], ['10:30', '11:15']];

let server;
let browser;
let context;
let page;
// What the steps hand on to each other.
const state = {};

before(async () => {
  server = await startServer({ name: 'school-journey', schools: 1, studentsPerClass: 2, seed: 11 });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU', acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

const step = journeySteps('journey', () => page);

const pathOf = (u) => { const url = new URL(u); return url.pathname + url.search; };

async function fieldErrors(p) {
  return p.$$eval('.field-error, .error-box, .error', (els) => els.map((e) => e.textContent.trim()))
    .catch(() => []);
}

// Clicks a submit button and waits for the page the form leads to; a form answered with an
// error status fails here with the messages the page shows.
async function submit(button, expected) {
  const answer = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.request().method() === 'POST',
    { timeout: STEP_TIMEOUT_MS },
  );
  await page.click(button);
  const resp = await answer;
  if (resp.status() >= 400) {
    await page.waitForLoadState('load');
    const errors = await fieldErrors(page);
    assert.fail(`${button}: HTTP ${resp.status()} at ${pathOf(page.url())}; messages: ${JSON.stringify(errors)}`);
  }
  await page.waitForURL((u) => expected.test(pathOf(u)), { timeout: STEP_TIMEOUT_MS })
    .catch(async () => {
      assert.fail(`${button}: expected ${expected}, at ${pathOf(page.url())}; messages: ${JSON.stringify(await fieldErrors(page))}`);
    });
  await page.waitForLoadState('load');
}

async function goto(path) {
  const resp = await page.goto(`${server.url}${path}`);
  assert.ok(resp && resp.status() < 400, `${path}: HTTP ${resp?.status()}`);
}

// The value of the option whose text contains `text` (selects show names, we know names).
async function optionValue(select, text) {
  const options = await page.$$eval(`${select} option`, (os) => os.map((o) => [o.value, o.textContent.trim()]));
  const found = options.find(([v, label]) => v !== '' && label.includes(text));
  assert.ok(found, `${select} has no option with "${text}"; options: ${JSON.stringify(options)}`);
  return found[0];
}

async function text(selector) {
  return (await page.textContent(selector))?.trim() ?? '';
}

async function signOut() {
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === '/login'),
    page.click('#sign-out'),
  ]);
}

// Signs in to the organization through the cascade with a one-time password, lands on the
// forced password change, and sets a new password; returns the path landed on afterwards.
async function firstSignIn(orgId, login, oneTimePassword, newPassword, landing) {
  await openLogin(page, server, orgId);
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === '/settings/password'),
    signIn(page, login, oneTimePassword),
  ]);
  assert.ok(await page.isVisible('#forced-password-notice'), 'no #forced-password-notice after a one-time password');
  // The one-time password is asked again, so that a session opened before it was issued
  // cannot choose a new password knowing nothing.
  assert.ok(await page.isVisible('#current-password'), 'a forced change must ask for the one-time password');
  // Any other page sends the person back until the password is changed.
  await goto('/settings');
  assert.equal(new URL(page.url()).pathname, '/settings/password', 'a forced change can be skipped');
  await page.fill('#current-password', oneTimePassword);
  await page.fill('#new-password', newPassword);
  await page.fill('#repeat-password', newPassword);
  await submit('#password-save', landing);
}

step('region administrator adds a general school and its administrator', async () => {
  const admin = server.accounts.find((a) => a.role === 'region_administrator');
  assert.ok(admin, 'demo-accounts.csv has no region_administrator row');
  await openLogin(page, server, admin.organization_id);
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === '/home'),
    signIn(page, admin.login, admin.password),
  ]);
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/region'), page.click('nav.sections a[href="/region"]')]);
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === '/region/organizations/new'),
    page.click('#new-organization'),
  ]);

  // Any settlement of the region; the first authority, as a school answers to one.
  const settlement = await page.$$eval('#settlement option', (os) => os.map((o) => o.value).find((v) => v !== ''));
  assert.ok(settlement, 'no settlement to put the school in');
  await page.selectOption('#settlement', settlement);
  await page.selectOption('#kind', 'general');
  const authority = await page.$$eval('#authority option', (os) => os.map((o) => o.value).find((v) => v !== ''));
  if (authority) await page.selectOption('#authority', authority);
  for (const [name, value] of Object.entries(SCHOOL)) await page.fill(`#${name}`, value);
  await submit('#save-organization', /^\/region\/organizations\/\d+\?done=created$/);
  state.orgId = new URL(page.url()).pathname.split('/').pop();
  assert.equal(await text('#organization-name'), SCHOOL.short_name);
  assert.ok(await page.isVisible('#no-administrators'), 'a new school must start without administrators');

  await page.fill('#admin-last-name', ADMIN.last);
  await page.fill('#admin-first-name', ADMIN.first);
  await page.fill('#admin-middle-name', ADMIN.middle);
  await page.fill('#admin-login', '');
  await submit('#create-administrator', new RegExp(`^/region/organizations/${state.orgId}/administrators$`));
  state.adminLogin = await text('#issued-login');
  state.adminOneTime = await text('#one-time-password');
  assert.match(state.adminLogin, /^\S+$/, 'no suggested login');
  assert.ok(state.adminOneTime.length >= 6, `implausible one-time password "${state.adminOneTime}"`);
  assert.equal(await text('#issued-organization'), SCHOOL.short_name);
  await signOut();
});

step('school administrator signs in with the one-time password and must change it', async () => {
  await firstSignIn(state.orgId, state.adminLogin, state.adminOneTime, ADMIN_PASSWORD, /^\/home$/);
  const org = await text('.who-org');
  assert.equal(org, SCHOOL.short_name, 'signed in to another organization');
});

step('school administrator creates the year and its quarters', async () => {
  await goto('/school');
  assert.equal(new URL(page.url()).pathname, '/school/years');
  await page.fill('#year-start', YEAR_START);
  await page.fill('#year-end', YEAR_END);
  await submit('#create-year', /^\/school\/years\/\d+\?saved=year$/);
  state.yearId = new URL(page.url()).pathname.split('/').pop();
  assert.ok(await page.isVisible('#no-periods'));

  await page.fill('#scheme-grade-from', '1');
  await page.fill('#scheme-grade-to', '11');
  await page.selectOption('#scheme-kind', 'quarter');
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === `/school/years/${state.yearId}/scheme`),
    page.click('#suggest-periods'),
  ]);
  assert.equal(await page.inputValue('#period-start-1'), YEAR_START);
  assert.equal(await page.inputValue('#period-end-4'), YEAR_END);
  await submit('#save-periods', new RegExp(`^/school/years/${state.yearId}\\?saved=periods$`));
  const periods = await page.$$eval('#scheme-1-11 tbody tr', (rows) => rows.length);
  assert.equal(periods, 4, 'four quarters for grades 1–11');
});

step('school administrator adds a subject and a class', async () => {
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/school/subjects'), page.click('#nav-subjects')]);
  await page.fill('#subject-name', SUBJECT.name);
  await page.fill('#subject-short', SUBJECT.short);
  await submit('#create-subject', /^\/school\/subjects\?saved=subject/);
  assert.ok((await text('#subjects')).includes(SUBJECT.name), 'the subject is not listed');

  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/school/classes'), page.click('#nav-classes')]);
  await page.fill('#class-grade', CLASS.grade);
  await page.fill('#class-letter', CLASS.letter);
  await page.selectOption('#class-shift', '1');
  await submit('#create-class', /^\/school\/classes\/\d+\?saved=class$/);
  state.classId = new URL(page.url()).pathname.split('/').pop();
});

step('school administrator adds a teacher in People', async () => {
  await goto('/people');
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/people/new'), page.click('#people-new')]);
  await page.fill('#person-last-name', TEACHER.last);
  await page.fill('#person-first-name', TEACHER.first);
  await page.fill('#person-middle-name', TEACHER.middle);
  await page.fill('#person-birth-date', TEACHER.birth);
  await page.check('#role-teacher');
  await submit('#person-save', /^\/people\/\d+\?done=created$/);
});

step('school administrator adds the subject group with its teacher', async () => {
  await goto(`/school/classes/${state.classId}`);
  await page.selectOption('#group-subject', await optionValue('#group-subject', SUBJECT.name));
  await page.selectOption('#group-teachers', [await optionValue('#group-teachers', TEACHER.last)]);
  await page.fill('#group-hours', '5');
  await submit('#create-group', new RegExp(`^/school/classes/${state.classId}\\?saved=group$`));
  const groups = await text('#groups');
  assert.ok(groups.includes(SUBJECT.name) && groups.includes(TEACHER.last), `curriculum: ${groups}`);
});

step('school administrator sets the bells of the first shift', async () => {
  await Promise.all([page.waitForURL((u) => new URL(u).pathname === '/school/bells'), page.click('#nav-bells')]);
  for (const [i, [start, end]] of BELLS.entries()) {
    await page.fill(`#bell-1-${i + 1}-start`, start);
    await page.fill(`#bell-1-${i + 1}-end`, end);
  }
  await submit('#save-bells-1', /^\/school\/bells\?saved=bells/);
  assert.equal(await page.inputValue('#bell-1-1-start'), BELLS[0][0]);
});

step('school administrator puts the subject on every weekday of the timetable', async () => {
  await goto(`/school/classes/${state.classId}`);
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === `/school/classes/${state.classId}/timetable`),
    page.click('#open-timetable'),
  ]);
  await page.fill('#timetable-from', TIMETABLE_FROM);
  const group = await optionValue('#cell-1-1', SUBJECT.name);
  for (let weekday = 1; weekday <= 5; weekday++) {
    const number = weekday % 2 === 0 ? 2 : 1;
    await page.selectOption(`#cell-${weekday}-${number}`, group);
    await page.fill(`#room-${weekday}-${number}`, '21');
  }
  await submit('#save-timetable', new RegExp(`^/school/classes/${state.classId}/timetable\\?on=${TIMETABLE_FROM}&created=\\d+`));
  const created = Number(new URL(page.url()).searchParams.get('created'));
  assert.ok(created > 0, `no dated lessons were created (URL ${pathOf(page.url())})`);
});

step('school administrator adds a student and a parent', async () => {
  await goto('/people/new');
  await page.fill('#person-last-name', STUDENT.last);
  await page.fill('#person-first-name', STUDENT.first);
  await page.fill('#person-middle-name', STUDENT.middle);
  await page.fill('#person-birth-date', STUDENT.birth);
  await page.check('#role-student');
  await page.selectOption('#person-class', await optionValue('#person-class', `${CLASS.grade}${CLASS.letter}`));
  // In the class from the first day the diary is looked at, whatever weekday the test runs on.
  await page.fill('#person-class-from', DIARY_WEEK ?? TIMETABLE_FROM);
  await submit('#person-save', /^\/people\/\d+\?done=created$/);

  await goto('/people/new');
  await page.fill('#person-last-name', PARENT.last);
  await page.fill('#person-first-name', PARENT.first);
  await page.fill('#person-middle-name', PARENT.middle);
  await page.fill('#person-birth-date', PARENT.birth);
  await page.check('#role-parent');
  await page.selectOption('#person-children', [await optionValue('#person-children', `${STUDENT.last} ${STUDENT.first}`)]);
  await submit('#person-save', /^\/people\/\d+\?done=created$/);
});

// pdftotext -layout puts the two cards of a row side by side: find the parent's name, then
// read the login and the password lines under it in the same column.
function cardOf(textLayout, name) {
  const lines = textLayout.split('\n');
  const at = lines.findIndex((l) => l.includes(name));
  assert.ok(at >= 0, `no card for "${name}" in the sheet`);
  const column = lines[at].indexOf(name);
  // The label column starts a little left of the value column.
  const labelFrom = lines[at].lastIndexOf('Пользователь', column);
  const from = Math.max(0, labelFrom >= 0 ? labelFrom : column - 40);
  const value = (label) => {
    for (let i = at + 1; i < Math.min(lines.length, at + 8); i++) {
      const where = lines[i].indexOf(label, from);
      if (where >= 0 && where < column) {
        return lines[i].slice(where + label.length).trim().split(/\s+/)[0];
      }
    }
    return null;
  };
  return { login: value('Имя пользователя'), password: value('Пароль') };
}

step('school administrator prints the credential sheet of the class with parents', async () => {
  await goto('/people');
  await Promise.all([
    page.waitForURL((u) => new URL(u).pathname === '/people/credentials'),
    page.click('#people-credentials'),
  ]);
  await page.selectOption('#sheet-class', await optionValue('#sheet-class', `${CLASS.grade}${CLASS.letter}`));
  await page.check('#sheet-parents');
  await page.check('#sheet-confirm');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sheet-submit')]);
  for (const f of readdirSync(WORK_DIR)) if (f.startsWith('browser-journey-sheet')) rmSync(join(WORK_DIR, f));
  const pdf = join(WORK_DIR, 'browser-journey-sheet.pdf');
  await download.saveAs(pdf);
  assert.match(download.suggestedFilename(), /\.pdf$/i);

  const layout = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  const parentName = `${PARENT.last} ${PARENT.first} ${PARENT.middle}`;
  const studentName = `${STUDENT.last} ${STUDENT.first}`;
  assert.ok(layout.includes(parentName), `the sheet lacks the parent "${parentName}":\n${layout}`);
  assert.ok(layout.includes(studentName), `the sheet lacks the student "${studentName}":\n${layout}`);
  assert.ok(layout.includes(SCHOOL.short_name), 'the sheet lacks the school');
  const card = cardOf(layout, parentName);
  assert.ok(card.login && card.password, `cannot read the parent's card:\n${layout}`);
  state.parentLogin = card.login;
  state.parentOneTime = card.password;

  // The first page rendered is not blank: a blank A4 page compresses to almost nothing.
  execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', pdf, join(WORK_DIR, 'browser-journey-sheet')]);
  const png = readdirSync(WORK_DIR).find((f) => f.startsWith('browser-journey-sheet') && f.endsWith('.png'));
  assert.ok(png && existsSync(join(WORK_DIR, png)), 'pdftoppm wrote no page');
  assert.ok(statSync(join(WORK_DIR, png)).size > 5_000, 'the first page renders blank');

  // The login on the card is the one the school's list shows for the parent.
  await goto(`/people?q=${encodeURIComponent(PARENT.last)}`);
  assert.ok((await text('#people-list')).includes(state.parentLogin), 'the card login is not the parent\'s');
  await signOut();
});

step('parent signs in with the sheet password, must change it, and sees the timetable in the diary', async () => {
  await firstSignIn(state.orgId, state.parentLogin, state.parentOneTime, PARENT_PASSWORD, /^\/diary/);
  if (DIARY_WEEK) await goto(`/diary?week=${DIARY_WEEK}`);
  const subjects = await page.$$eval('.lesson .subject', (els) => els.map((e) => e.textContent.trim()));
  await page.screenshot({ path: join(WORK_DIR, 'browser-journey-diary.png'), fullPage: true });
  const ours = subjects.filter((s) => s.includes(SUBJECT.name));
  assert.equal(ours.length, 5, `expected ${SUBJECT.name} on five weekdays; diary lessons: ${JSON.stringify(subjects)}`);
  assert.ok(ours.every((s) => s.includes('каб. 21')), `rooms: ${JSON.stringify(ours)}`);
  // The bells of the first shift give the lessons their times.
  const times = await page.$$eval('.lesson .time', (els) => els.map((e) => e.textContent.trim()));
  const bell = (n) => `${BELLS[n - 1][0]}–${BELLS[n - 1][1]}`;
  assert.deepEqual(times, [1, 2, 1, 2, 1].map(bell), 'lesson times do not follow the bells');
  assert.ok((await text('.diary-head h1')).includes(STUDENT.last), 'the diary is not the child\'s');
});
