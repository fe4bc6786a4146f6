// Drives the console in Debian's headless chromium for ConsoleBrowserITCase. Talks to the test over
// stdin/stdout, one line each way, so the test produces each alert only when the page is ready for it:
//   -> READY                 page loaded and live (event stream open)
//   <- PRODUCED <id> <rev>   the test put revision <rev> of alert <id> on the alerts topic
//   -> SEEN <id> <rev> <ms>  the row shows that revision (ms since PRODUCED was read)
//   -> ACKED <id>            acknowledged in page 1, and page 2 (a second analyst) shows it
// Environment: CONSOLE_URL (with the token), OUT_DIR (screenshots), CHROMIUM, EXPECT_MESSAGE, EXPECT_BASELINE,
// EXPECT_RECORD (an evidence record id whose raw JSON must show), EXPECT_PINS (map markers).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const env = process.env;
const lines = createInterface({ input: process.stdin });
const inbox = [];
let waiter = null;
lines.on('line', (l) => { inbox.push(l); if (waiter) { waiter(); waiter = null; } });
async function receive(prefix, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const i = inbox.findIndex((l) => l.startsWith(prefix));
    if (i >= 0) return inbox.splice(i, 1)[0].split(' ');
    if (Date.now() > end) throw new Error(`no "${prefix}" from the test within ${ms} ms`);
    await new Promise((r) => { waiter = r; setTimeout(r, 200); });
  }
}
const say = (s) => process.stdout.write(s + '\n');
const t0 = Date.now();
const timing = {};
const mark = (k) => { timing[k] = Date.now() - t0; };

const profile = mkdtempSync(join(tmpdir(), 'ualwatch-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
mark('launched');
try {
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(env.CONSOLE_URL);
  await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: 20000 });
  if (page.url().includes('token=')) throw new Error('the token was left in the address bar');
  mark('page-live');
  say('READY');

  // revision 1 appears in the list without a reload
  let [, id, rev] = await receive('PRODUCED');
  let t = Date.now();
  const row = page.locator(`tr[data-id="${id}"]`);
  await row.waitFor({ timeout: 20000 });
  say(`SEEN ${id} ${rev} ${Date.now() - t}`);
  mark('alert-shown');

  // revision 2 updates the same row
  [, id, rev] = await receive('PRODUCED');
  t = Date.now();
  await row.getByTestId('row-state').filter({ hasText: `updated r${rev}` }).waitFor({ timeout: 20000 });
  if (await page.locator(`tr[data-id="${id}"]`).count() !== 1) throw new Error('an update must not add a row');
  say(`SEEN ${id} ${rev} ${Date.now() - t}`);

  // filters: the alert is high, so "critical only" hides it and a user filter that matches keeps it
  await page.getByTestId('filter-severity').selectOption('4');
  await row.waitFor({ state: 'detached', timeout: 5000 });
  await page.getByTestId('filter-severity').selectOption('0');
  await page.getByTestId('filter-user').fill(env.EXPECT_USER);
  await row.waitFor({ timeout: 5000 });
  await page.getByTestId('filter-user').fill('nobody-like-this');
  await row.waitFor({ state: 'detached', timeout: 5000 });
  await page.getByTestId('filter-user').fill('');

  // the detail: explanation, baseline, map, evidence with raw JSON
  await row.click();
  const detail = page.getByTestId('detail');
  await detail.getByTestId('detail-message').filter({ hasText: env.EXPECT_MESSAGE }).waitFor({ timeout: 5000 });
  await detail.getByTestId('detail-baseline').filter({ hasText: env.EXPECT_BASELINE }).waitFor({ timeout: 5000 });
  await detail.getByTestId('world-map').waitFor({ timeout: 5000 });
  const pins = await detail.getByTestId('map-pin').count();
  if (pins !== Number(env.EXPECT_PINS)) throw new Error(`expected ${env.EXPECT_PINS} map pins, saw ${pins}`);
  await detail.getByTestId('evidence-load').click();
  const raw = detail.getByTestId('evidence-raw').filter({ hasText: env.EXPECT_RECORD }).first();
  await raw.waitFor({ timeout: 15000 });
  await raw.locator('summary').click();
  const pre = raw.locator('pre');
  await pre.waitFor({ timeout: 5000 });
  const text = await pre.textContent();
  if (!text.includes(`"Id": "${env.EXPECT_RECORD}"`)) throw new Error('raw evidence JSON not shown: ' + text.slice(0, 300));
  mark('detail-checked');
  await page.screenshot({ path: join(env.OUT_DIR, 'console-detail.png'), fullPage: true });

  // a second analyst's console, open before the acknowledgement
  const page2 = await context.newPage();
  await page2.goto(new URL('/', env.CONSOLE_URL).href); // the cookie from the first load authenticates
  await page2.getByTestId('connection').filter({ hasText: 'live' }).waitFor({ timeout: 20000 });
  await page2.locator(`tr[data-id="${id}"]`).waitFor({ timeout: 10000 });

  // acknowledge in the first console
  await page.locator('#analyst').fill('alice');
  await detail.getByTestId('ack-note').fill('token replay confirmed, session revoked');
  await detail.getByTestId('ack-button').click();
  await detail.getByTestId('ack-state').filter({ hasText: 'Acknowledged by alice' }).waitFor({ timeout: 15000 });
  // acknowledged alerts leave the default queue, in both consoles
  await row.waitFor({ state: 'detached', timeout: 5000 });
  await page2.locator(`tr[data-id="${id}"]`).waitFor({ state: 'detached', timeout: 10000 });
  await page2.getByTestId('filter-acked').check();
  await page2.locator(`tr[data-id="${id}"]`).getByTestId('row-state').filter({ hasText: 'acknowledged by alice' })
    .waitFor({ timeout: 10000 });
  mark('acknowledged');
  await page.getByTestId('filter-acked').check();
  await page.screenshot({ path: join(env.OUT_DIR, 'console-acknowledged.png'), fullPage: true });
  if (errors.length) throw new Error('errors in the page: ' + errors.join(' | '));
  say(`ACKED ${id}`);
  say('TIMING ' + JSON.stringify(timing));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  lines.close();
}
