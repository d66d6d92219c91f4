import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious, launchChromium, watchErrors } from './support/browser.ts';
import { pickPort, type RunningApi, startApi } from './support/server.ts';

const screenshots = fileURLToPath(new URL('./screenshots', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'cb-e2e-'));
let api: RunningApi;
let browser: Browser;
let page: Page;
let errors: string[];

async function shot(name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

async function expectAccessible(screen: string) {
  const findings = await axeSerious(page);
  expect(findings, `${screen}: ${JSON.stringify(findings, null, 2)}`).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  api = await startApi({ dataDir, port: pickPort(4100) });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
  page = await context.newPage();
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a manager’s day in the browser, on the real API', () => {
  it('signs up and lands in a new workspace', async () => {
    await page.goto(`${api.url}/`);
    await page.waitForURL(/\/sign-in/);
    await expectAccessible('sign in');
    await shot('01-sign-in');
    await page.getByRole('link', { name: 'Зарегистрироваться' }).click();
    await page.getByLabel('Ваше имя').fill('Анна Менеджер');
    await page.getByLabel('Название компании').fill('ООО «Ромашка»');
    await page.getByLabel('Эл. почта').fill('anna@example.com');
    await page.getByLabel('Пароль').fill('short');
    await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
    await expect.poll(() => page.locator('.field-error').first().textContent()).toContain('8');
    await page.getByLabel('Пароль').fill('correct horse battery');
    await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
    await page.getByRole('navigation').waitFor();
    expect(await page.getByTestId('workspace-switcher').locator('option:checked').textContent()).toBe(
      'ООО «Ромашка»',
    );
    await shot('02-dashboard-empty');
    expect(errors).toEqual([]);
  });
});
