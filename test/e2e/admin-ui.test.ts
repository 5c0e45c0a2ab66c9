/**
 * The admin UI in a real browser (Debian's Chromium, driven by playwright-core), served by the
 * local API server with real workflows behind it: create a schedule with the cron helper, run
 * it and watch it complete, verify it, restore it and see the restore complete, byte for byte
 * on disk. Every page is photographed; with UPDATE_SCREENSHOTS=1 the pictures replace those in
 * docs/ui/. Any console error (a script failure, a blocked request, a CSP violation) fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ApiServer } from '../../functions/local/api-server';
import type { LocalSystem } from '../../functions/local/system';
import { startLocalApi } from '../helpers/api';
import { diffTrees } from '../helpers/tree';

jest.setTimeout(180_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1' ? path.join(__dirname, '..', '..', 'docs', 'ui') : undefined;

let dir: string;
let system: LocalSystem;
let server: ApiServer;
let token: string;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's WCAG 2.1 A and AA rules on the page as it is; evaluated, so the page's CSP stays on. */
async function accessibilityViolations(): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  return page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)),
    })))`);
}

const violations: Record<string, AxeViolation[]> = {};

async function shoot(name: string): Promise<void> {
  // Charts and lists settle before the picture; the picture itself must not be empty.
  await page.waitForLoadState('networkidle');
  const found = await accessibilityViolations();
  if (found.length > 0) violations[name] = found;
  const file = path.join(SHOTS ?? dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
}

async function open(hash: string): Promise<void> {
  await page.goto(`${server.url}/ui/${hash}`);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH).`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-ui-'));
  fs.mkdirSync(path.join(dir, 'data', 'reports'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'ledger.csv'), 'date,amount\n2026-11-27,42\n');
  fs.writeFileSync(path.join(dir, 'data', 'reports', 'q3.bin'), Buffer.alloc(3_000_000, 7));
  const api = await startLocalApi(dir);
  ({ system, server, token } = api);
  // The target is the CLI's or the API's to make; the UI schedules it.
  const response = await fetch(`${server.url}/targets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      name: 'finance-files',
      target_config: { kind: 'filesystem', paths: [path.join(dir, 'data')] },
    }),
  });
  expect(response.status).toBe(201);
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, chromiumSandbox: false });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    colorScheme: 'light',
  });
  page = await context.newPage();
  page.on('console', (m) => {
    // A 4xx the API answered is shown on the page, and the tests look for it there.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
});

afterEach(() => {
  expect(consoleErrors).toEqual([]);
  expect(violations).toEqual({});
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await system?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the accessibility check sees a violation when there is one (so that its silence means something)', async () => {
  await open('#/');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  expect(await accessibilityViolations()).toEqual([]);
  await page.evaluate("document.querySelector('main').append(document.createElement('input'))");
  expect((await accessibilityViolations()).map((v) => v.id)).toContain('label');
  await page.reload();
});

test('read-only without the token: the page says what to do when a change is refused', async () => {
  await open('#/schedules');
  await page.getByText('Read only').waitFor();
  await page.getByRole('link', { name: 'New schedule' }).click();
  await page.getByLabel('Name', { exact: true }).fill('refused');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  expect(await alert.textContent()).toContain('Changes need the API token.');
  const listed = await (await fetch(`${server.url}/schedules`)).json();
  expect(listed).toMatchObject({ items: [] });
});

test('a bad cron expression is explained by the helper and refused with nothing created', async () => {
  await open(`#token=${token}`);
  // The token left the address bar as soon as it was read.
  await page.waitForFunction("!location.hash.includes('token')");
  expect(page.url()).not.toContain(token);
  await page.getByText('Signed in with the API token').waitFor();
  await open('#/schedules/new');
  await page.getByLabel('Name', { exact: true }).fill('bad-cron');
  await page.getByLabel(/^Cron expression/).fill('61 * * * *');
  await page
    .getByText(/is not a valid cron expression/)
    .first()
    .waitFor();
  await page.getByRole('button', { name: 'Create schedule' }).click();
  // The helper's explanation, and the refusal of the submitted form beside it.
  await page.getByRole('form', { name: 'New schedule' }).getByRole('alert').first().waitFor();
  expect(await page.getByRole('alert').count()).toBe(2);
  const listed = (await (await fetch(`${server.url}/schedules`)).json()) as { items: unknown[] };
  expect(listed.items).toEqual([]);
});

test('the cron helper names the zone its list was computed for while a new answer is on its way', async () => {
  // A fresh form: the test before left this page's form holding a bad expression.
  await open('#/');
  await open('#/schedules/new');
  await page.getByText('Next runs (UTC):').waitFor();
  const runs = page.locator('.next-runs li');
  await expect(runs.first().textContent()).resolves.toMatch(/02:00 \(\w+\) UTC$/);
  // Hold the answer for Berlin: until it comes, the list on the page is still UTC's.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const asked = new Promise<void>((resolve) => {
    void page.route(/\/schedule-preview\?.*timezone=Europe%2FBerlin/, async (route) => {
      resolve();
      await held;
      await route.continue();
    });
  });
  await page.getByLabel('Time zone').selectOption('Europe/Berlin');
  await asked;
  expect(await page.locator('.cron-helper p').textContent()).toBe('Next runs (UTC):');
  release();
  await page.getByText('Next runs (Europe/Berlin):').waitFor();
  for (const text of await runs.allTextContents()) expect(text).toMatch(/02:00 \(\w+\) (CET|CEST)$/);
  await page.unrouteAll();
});

test('create a schedule, run it, watch it complete, verify it, restore it, see the restore complete', async () => {
  await open('#/');
  await page.getByText('No schedules yet.').waitFor();

  // The schedule, with the cron helper showing the next runs in the schedule's zone.
  await page.getByRole('link', { name: 'Schedules', exact: true }).click();
  await page.getByRole('link', { name: 'New schedule' }).click();
  await page.getByLabel('Name', { exact: true }).fill('finance-nightly');
  await page.getByLabel('Target').selectOption('finance-files');
  await page.getByRole('button', { name: 'Weekdays at 22:30' }).click();
  expect(await page.getByLabel(/^Cron expression/).inputValue()).toBe('30 22 * * 1-5');
  await page.getByLabel('Time zone').selectOption('Europe/Berlin');
  const runs = page.locator('.next-runs li');
  await page.getByText('Next runs (Europe/Berlin):').waitFor();
  await expect(runs.count()).resolves.toBe(5);
  for (const text of await runs.allTextContents())
    expect(text).toMatch(/22:30 \((Mon|Tue|Wed|Thu|Fri)\) (CET|CEST)$/);
  await page.getByLabel('Daily').fill('7');
  await shoot('schedule-new');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  await page.getByRole('heading', { name: 'Schedule finance-nightly' }).waitFor();
  const stored = (await (await fetch(`${server.url}/schedules/finance-nightly`)).json()) as Record<
    string,
    unknown
  >;
  expect(stored).toMatchObject({
    schedule_cron: '30 22 * * 1-5',
    timezone: 'Europe/Berlin',
    retention_policy: { keep_daily: 7 },
    target_config: { target: 'finance-files' },
  });

  // Run it now and watch the backups list until it completes.
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('heading', { name: 'Backups' }).waitFor();
  const row = page.locator('tbody tr').first();
  await row.locator('.status-completed').waitFor({ timeout: 60_000 });
  expect(await row.textContent()).toContain('finance-files');

  // Verify it from its page.
  const first = (await row.getByRole('link').first().getAttribute('href'))!;
  expect(first).toMatch(/^#\/backups\/[0-9A-Z]{26}$/);
  await row.getByRole('link').first().click();
  await page.getByRole('heading', { name: /^Backup / }).waitFor();
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText('Verification (checksum) started.').waitFor();
  await page.getByRole('link', { name: 'Verifications', exact: true }).click();
  await page.locator('tbody tr .status-passed').first().waitFor({ timeout: 60_000 });
  await shoot('verifications');

  // A second run, after a change: an incremental that stores little.
  fs.cpSync(path.join(dir, 'data'), path.join(dir, 'as-first-backed-up'), { recursive: true });
  fs.appendFileSync(path.join(dir, 'data', 'ledger.csv'), '2026-11-28,7\n');
  await page.getByRole('link', { name: 'Schedules', exact: true }).click();
  await page
    .locator('tbody tr', { hasText: 'finance-nightly' })
    .getByRole('button', { name: 'Run now' })
    .click();
  await page.getByRole('heading', { name: 'Backups' }).waitFor();
  await page.locator('tbody tr .status-completed').nth(1).waitFor({ timeout: 60_000 });
  expect(await page.locator('tbody tr').first().textContent()).toContain('incremental');
  await shoot('backups');

  // Restore the first into a new directory and see the job's steps complete.
  await open(first);
  await page.getByRole('heading', { name: /^Backup / }).waitFor();
  // Its own verification, listed on its page.
  await page.getByRole('region', { name: 'Verifications' }).locator('.status-passed').waitFor();
  await shoot('backup-detail');
  await page.getByRole('button', { name: 'Restore…' }).click();
  const restored = path.join(dir, 'restored');
  await page.getByLabel(/^Directory on the machine/).fill(restored);
  await page.getByLabel(/Read every restored file back/).check();
  await page.getByRole('button', { name: 'Start restore' }).click();
  await page.getByRole('heading', { name: 'Recovery jobs' }).waitFor();
  const job = page.locator('tbody tr.highlight').first();
  await job.locator('.status-completed').waitFor({ timeout: 60_000 });
  await shoot('recovery-jobs');
  await job.getByRole('link').first().click();
  await page.getByRole('heading', { name: /^Recovery job / }).waitFor();
  const steps = page.locator('.steps li');
  await expect(steps.count()).resolves.toBe(5);
  expect(await page.locator('.steps li .status-completed').count()).toBe(5);
  // Asked for on the form: the files were read back, not only found with their sizes.
  expect(await page.getByText(/"read_back": true/).count()).toBe(1);
  await shoot('recovery-job-detail');
  expect(diffTrees(path.join(dir, 'as-first-backed-up'), restored)).toEqual({ same: true, output: '' });

  // The dashboard: the schedule within its RPO, the bytes, the charts.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  const schedule = page.locator('tbody tr', { hasText: 'finance-nightly' });
  await schedule.getByText('within RPO').waitFor();
  const stat = (label: string) =>
    page.locator('.stat').filter({ has: page.locator('.stat-label', { hasText: new RegExp(`^${label}$`) }) });
  expect(await stat('Stored').locator('.stat-value').textContent()).toMatch(/^\d+(\.\d+)? (B|KiB)$/);
  expect(await stat('Read').locator('.stat-value').textContent()).toMatch(/^5\.7\d MiB$/);
  expect(await stat('Dedup ratio').locator('.stat-value').textContent()).toMatch(/^\d+\.\d×$/);
  await expect(page.locator('.chart canvas').count()).resolves.toBe(2);
  expect(
    await page
      .getByRole('img', { name: /Bytes read and stored per backup\. Latest: Read: 2\.8\d MiB/ })
      .count(),
  ).toBe(1);
  await shoot('dashboard');

  await page.getByRole('link', { name: 'Schedules', exact: true }).click();
  await page.locator('tbody tr', { hasText: 'finance-nightly' }).waitFor();
  await shoot('schedules');

  // The audit log names who did what through the UI.
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByText('schedule.create').first().waitFor();
  const audit = await page.locator('tbody').textContent();
  expect(audit).toContain(os.userInfo().username);
  expect(audit).toContain('recovery.start');
  await page.getByLabel('Entity').selectOption('recovery_job');
  await page.waitForURL(/entity=recovery_job/);
  // The filtered page replaces the whole one: no schedule entries, the restore's still there.
  await page.getByText('schedule.create').first().waitFor({ state: 'detached' });
  await page.getByText('recovery.start').first().waitFor();
  await page.getByLabel('Entity').selectOption('');
  await page.getByText('schedule.create').first().waitFor();
  await shoot('audit');
});
