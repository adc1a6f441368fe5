import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { ImportOptions } from '@relocate/codec';
import { startRelocation } from '@relocate/database';
import { publishRelocationEvent } from '@relocate/operations';
import { disconnect, submitRelocation } from '@relocate/pipeline';
import { ensureChromium } from '../harness/chromium.ts';
import { testEnvironment, type TestEnvironment } from '../harness/environment.ts';
import { eventually } from '../harness/eventually.ts';
import { type CliProcess, startCli } from '../harness/processes.ts';

const example = (f: string): string => fileURLToPath(new URL(`../../examples/${f}`, import.meta.url));
const options: ImportOptions = { scope: 'ORGANIZATION', mergeUsers: false, overwriteConfigs: false, hideOrganizations: true, filterOrgSlugs: null, filterUsernames: null };
// Debian's chromium (the harness installs it when missing), driven headless; playwright-core brings no browser of its own.
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let world: TestEnvironment;
let dashboard: CliProcess;
let browser: Browser | undefined;

/** A relocation submitted while no stage runs: it stays running, and the reader's lag is its chunks. */
async function submitRunning(id: string): Promise<number> {
  await startRelocation(world.connections.pool, id, options);
  await publishRelocationEvent(world.connections, { relocationId: id, type: 'STARTED', at: Date.now(), summary: '' });
  return submitRelocation(world.connections, { relocationId: id, exportPath: example('acme-export.json'), eventsPath: example('acme-events.ndjson'), options });
}

before(async () => {
  const executablePath = await ensureChromium();
  world = await testEnvironment('dashboard');
  dashboard = startCli(['dashboard', '--port', '0', '--interval', '0.5'], world.env);
  browser = await chromium.launch({ executablePath, args: chromiumArgs });
});

// Whatever of the set-up started is stopped, so a browser that failed to launch fails the test instead of leaving
// the dashboard running and the test file hanging.
after(async () => {
  await browser?.close();
  if (dashboard && dashboard.child.exitCode === null) {
    const exited = once(dashboard.child, 'exit');
    dashboard.child.kill('SIGTERM');
    await exited;
  }
  if (world) await disconnect(world.connections);
});

test('the status page shows a running relocation and plots its lag as it grows', async () => {
  const first = await submitRunning('dashboard-first');
  const url = await eventually('the dashboard to listen', async () => /dashboard on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(dashboard.output())?.[1], 60_000);
  assert.ok(browser, 'the browser started');
  const page = await browser.newPage();
  await page.goto(url);

  const row = page.locator('tr[data-relocation="dashboard-first"]');
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /dashboard-first\s+running\s+reader: pending/);

  // The reader's series (the plot's first after time) reaches the chunks waiting for it.
  const lastReaderLag = (): Promise<number | undefined> => page.evaluate('plot?.data[1]?.at(-1)') as Promise<number | undefined>;
  await eventually('the plot to show the first relocation\'s chunks', async () => ((await lastReaderLag()) === first ? true : undefined), 30_000);
  const pointsBefore = Number(await page.locator('#plot').getAttribute('data-points'));

  const second = await submitRunning('dashboard-second');
  await eventually('the plot to show the second relocation\'s chunks too', async () => ((await lastReaderLag()) === first + second ? true : undefined), 30_000);
  assert.ok(Number(await page.locator('#plot').getAttribute('data-points')) > pointsBefore, 'the plot gained samples');
  assert.equal(await page.locator('#plot canvas').count(), 1, 'uPlot drew on a canvas');
  await page.locator('tr[data-relocation="dashboard-second"]').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#lag-status').innerText(), /reader: STOP/);
});
