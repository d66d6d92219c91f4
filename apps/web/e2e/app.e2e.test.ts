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

let clientPath = '';

describe('a manager’s day in the browser, on the real API', () => {
  it('signs up (a refused password is shown by its field) and lands in a new workspace', async () => {
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
    await expectAccessible('sign up with an error');
    await shot('02-sign-up-error');
    await page.getByLabel('Пароль').fill('correct horse battery');
    await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
    await page.getByRole('navigation').waitFor();
    expect(await page.getByTestId('workspace-switcher').locator('option:checked').textContent()).toBe(
      'ООО «Ромашка»',
    );
    await page.getByRole('heading', { level: 1 }).waitFor();
    await expectAccessible('empty dashboard');
    await shot('03-dashboard-empty');
  });

  it('creates a client with the phone 8 (916) 123-45-67', async () => {
    // Someone else in the base first (over the API, with the page's session), so that finding the
    // client below is a search and not the whole list.
    const other = await page.request.post(`${api.url}/trpc/clients.create`, {
      data: {
        kind: 'person',
        lastName: 'Петров',
        firstName: 'Пётр',
        phones: [{ number: '8 903 555-12-34' }],
      },
    });
    expect(other.status()).toBe(200);
    await page.getByRole('link', { name: 'Клиенты' }).click();
    await expect.poll(() => page.getByTestId('client-row').count()).toBe(1);
    await page.getByTestId('new-client').click();
    await page.getByLabel('Фамилия').fill('Смирнова');
    await page.getByLabel('Имя', { exact: true }).fill('Ольга');
    await page.getByLabel('Телефон 1', { exact: true }).fill('8 (916) 123-45-67');
    await expect.poll(() => page.getByText(/\+79161234567/).count()).toBeGreaterThan(0);
    await expectAccessible('new client');
    await shot('04-new-client');
    await page.getByTestId('save-client').click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    clientPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: /Смирнова Ольга/ }).waitFor();
    // Shown formatted, stored as +79161234567.
    await expect.poll(() => page.getByText(/916\D{0,3}123\D?45\D?67/).count()).toBeGreaterThan(0);
  });

  it('finds the client by +79161234567', async () => {
    await page.getByRole('link', { name: 'Клиенты' }).click();
    await page.getByTestId('client-row').first().waitFor();
    await expect.poll(() => page.getByTestId('client-row').count()).toBe(2);
    await page.getByTestId('client-search').fill('+79161234567');
    await page.getByText('Результаты поиска упорядочены по совпадению.').waitFor();
    await expect
      .poll(() => page.getByTestId('client-row').allTextContents())
      .toEqual([expect.stringContaining('Смирнова Ольга')]);
    const row = page.getByTestId('client-row').filter({ hasText: 'Смирнова' });
    await expectAccessible('clients search');
    await shot('05-clients-search');
    await row.getByRole('link').first().click();
    await page.waitForURL((url) => url.pathname === clientPath);
  });

  it('edits the client inline', async () => {
    await page.getByTestId('edit-profile').click();
    await page.getByLabel('Город').fill('Казань');
    await page.getByTestId('save-profile').click();
    await page.getByTestId('edit-profile').waitFor();
    await expect.poll(() => page.getByText('Казань').count()).toBeGreaterThan(0);
  });

  it('adds a purchase and the temperature and its reasons change', async () => {
    const temperature = page.getByTestId('temperature');
    const before = (await temperature.textContent()) ?? '';
    expect(before).not.toContain('покупка');
    const form = page.getByTestId('add-purchase');
    await form.getByLabel('Сумма, ₽').fill('1234,50');
    await form.getByRole('button', { name: 'Добавить' }).click();
    await expect
      .poll(async () => (await page.getByTestId('temperature-reasons').textContent()) ?? '', {
        timeout: 20_000,
      })
      .toMatch(/Последняя покупка/);
    expect(await temperature.textContent()).not.toBe(before);
    await expect.poll(() => page.getByText(/1\s234,50\s₽/).count()).toBeGreaterThan(0);
    await expectAccessible('client card');
    await shot('06-client-card');
  });

  it('shows a client named <img src=x onerror=alert(1)> literally', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${api.url}/clients/new`);
    await page.getByLabel('Фамилия').fill('<img src=x onerror=alert(1)>');
    await page.getByLabel('Имя', { exact: true }).fill('Хакер');
    await page.getByTestId('save-client').click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: /<img src=x onerror=alert\(1\)>/ }).waitFor();
    await page.goto(`${api.url}/clients`);
    await page.getByTestId('client-row').filter({ hasText: '<img src=x onerror=alert(1)>' }).waitFor();
    expect(await page.locator('main img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('builds a segment and sees the live count', async () => {
    await page.getByRole('link', { name: 'Сегменты' }).click();
    await page.getByRole('heading', { level: 1, name: 'Сегменты' }).waitFor();
    await expectAccessible('segments');
    await page.goto(`${api.url}/segments/new`);
    const count = page.getByTestId('live-count');
    await expect.poll(async () => (await count.textContent()) ?? '').toMatch(/\b3\b/);
    await page.getByLabel('Название сегмента').fill('Покупали');
    await page.getByRole('button', { name: /Добавить условие в Правило/ }).click();
    await page.getByLabel('Поле').selectOption('purchaseCount');
    await expect.poll(async () => (await count.textContent()) ?? '').toMatch(/\b1\b/);
    await page.getByLabel('Значение', { exact: true }).fill('2');
    await expect.poll(async () => (await count.textContent()) ?? '').toMatch(/\b0\b/);
    await page.getByLabel('Значение', { exact: true }).fill('1');
    await expect.poll(async () => (await count.textContent()) ?? '').toMatch(/\b1\b/);
    await expectAccessible('segment editor');
    await shot('07-segment-editor');
    await page.getByRole('button', { name: 'Создать сегмент' }).click();
    await page.waitForURL(/\/segments\/[0-9a-f-]{36}$/);
    await page.getByText('Смирнова Ольга').first().waitFor({ timeout: 30_000 });
    await expectAccessible('segment members');
    await shot('08-segment');
  });

  it('switches between workspaces', async () => {
    // Another business adds Anna to its team (she already has an account: no invitation link).
    const signUp = await fetch(`${api.directUrl}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'ivan@example.com',
        password: 'another long password',
        name: 'Иван Кузнецов',
        workspaceName: 'ИП Кузнецов',
      }),
    });
    expect(signUp.status).toBe(200);
    const cookie = signUp.headers.getSetCookie()[0]!.split(';')[0]!;
    const invite = await fetch(`${api.directUrl}/trpc/members.invite`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ email: 'anna@example.com', role: 'manager' }),
    });
    expect(invite.status).toBe(200);

    await page.goto(`${api.url}/clients`);
    await page.getByTestId('client-row').first().waitFor();
    const switcher = page.getByTestId('workspace-switcher');
    await switcher.selectOption({ label: 'ИП Кузнецов' });
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('link', { name: 'Клиенты' }).click();
    await page.getByText('В базе пока нет клиентов').waitFor();
    expect(await page.getByTestId('client-row').count()).toBe(0);
    await switcher.selectOption({ label: 'ООО «Ромашка»' });
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('link', { name: 'Клиенты' }).click();
    await expect.poll(() => page.getByTestId('client-row').count()).toBe(3);
    await expectAccessible('clients list');
    await shot('09-clients');
  });

  it('shows the dashboard and the settings', async () => {
    await page.getByRole('link', { name: 'Обзор' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.locator('[role="img"]').first().waitFor();
    await expectAccessible('dashboard');
    await shot('10-dashboard');
    await page.getByRole('link', { name: 'Настройки' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.locator('input').first().waitFor();
    await expectAccessible('settings');
    await shot('11-settings');
  });

  it('switches to English and signs out', async () => {
    await page.goto(`${api.url}${clientPath}`);
    await page.getByTestId('temperature').waitFor();
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('link', { name: 'Clients', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect
      .poll(async () => (await page.getByTestId('temperature-reasons').textContent()) ?? '')
      .toMatch(/Last purchase/);
    await expectAccessible('client card in English');
    await shot('12-client-card-en');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Signed out for real: the app no longer gets in.
    await page.goto(`${api.url}/clients`);
    await page.waitForURL(/\/sign-in/);
    expect(errors).toEqual([]);
  });
});
