import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious, launchChromium, watchErrors } from './support/browser.ts';
import { russianExcelExport } from './support/files.ts';
import { pickPort, type RunningApi, startApi } from './support/server.ts';

/*
 * The "done": a person imports a Windows-1251 `;` Excel export of a few thousand clients
 * through the web app, sees the preview and the errors, imports, finds and merges the duplicate the
 * file held, and undoes the import — on the real API process (embedded PGlite, worker in process).
 */

const screenshots = fileURLToPath(new URL('./screenshots', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'cb-e2e-import-'));
const file = russianExcelExport(3000);
let api: RunningApi;
let browser: Browser;
let page: Page;
let errors: string[];
let importPath = '';

async function shot(name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

async function expectAccessible(screen: string) {
  const findings = await axeSerious(page);
  expect(findings, `${screen}: ${JSON.stringify(findings, null, 2)}`).toEqual([]);
}

/**
 * Runs a step; if it fails, the error says what the browser showed, what it logged and what the
 * server printed, so a failure on a loaded CI machine can be read without the screenshots.
 */
async function explained<T>(step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await shot(`failed-${step.replace(/\W+/g, '-')}`).catch(() => undefined);
    const shown = await page
      .locator('body')
      .textContent({ timeout: 5_000 })
      .catch((e: unknown) => `(unreadable: ${String(e)})`);
    throw new Error(
      [
        `${step}: ${error instanceof Error ? error.message : String(error)}`,
        `page ${page.url()} shows: ${(shown ?? '').replace(/\s+/g, ' ').slice(0, 800)}`,
        `browser errors: ${errors.join(' | ') || 'none'}`,
        `server output (end): ${api.output().slice(-2_000)}`,
      ].join('\n'),
      { cause: error },
    );
  }
}

const count = async (testId: string) =>
  Number((await page.getByTestId(testId).textContent())?.replace(/\D/g, '') ?? Number.NaN);

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  api = await startApi({ dataDir, port: pickPort(4300) });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
  page = await context.newPage();
  errors = watchErrors(page);
  await page.goto(`${api.url}/sign-up`);
  await page.getByLabel('Ваше имя').fill('Ирина Импорт');
  await page.getByLabel('Название компании').fill('ООО «Картотека»');
  await page.getByLabel('Эл. почта').fill('irina@example.com');
  await page.getByLabel('Пароль').fill('correct horse battery');
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await page.getByRole('navigation').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a Russian Excel export through the web app', () => {
  it('uploads the 1251 `;` file and sees the columns recognised', async () => {
    await page.getByRole('link', { name: 'Импорт' }).click();
    await page.getByTestId('new-import').first().click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'клиенты.csv',
      mimeType: 'text/csv',
      buffer: file.bytes,
    });
    await page.getByTestId('import-upload').click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    importPath = new URL(page.url()).pathname;
    await page.getByTestId('import-mapping').waitFor();
    // Decoded from Windows-1251: the Russian headers read as written.
    const mapping = await page.getByTestId('mapping-row').allTextContents();
    expect(mapping).toHaveLength(6);
    expect(mapping.join('\n')).toContain('Дата рождения');
    expect(mapping.join('\n')).toContain('Иванович');
    await expectAccessible('import mapping');
    await shot('i01-mapping');
  });

  it('checks the file: the preview as it will be stored, the counts and the error report', async () => {
    const fuzzy = page.getByLabel('по похожему имени (нечёткое сравнение)');
    if (await fuzzy.isChecked()) await fuzzy.uncheck();
    await page.getByTestId('import-check').click();
    await page.getByTestId('dry-run').waitFor();
    expect(await count('dry-invalid')).toBe(file.invalid);
    expect(await count('dry-create')).toBe(file.rows - file.invalid);
    // The first row, as it will be stored: the phone in E.164.
    const first = page.getByTestId('preview-row').first();
    expect(await first.getAttribute('data-action')).toBe('create');
    expect(await first.textContent()).toMatch(/\+7911\d{7}/);
    // An invalid row says why.
    const invalid = page.locator('[data-testid="preview-row"][data-action="invalid"]').first();
    expect(await invalid.textContent()).toContain('12-34');
    const report = await page.request.get(
      `${api.url}${await page.getByTestId('dry-run-errors').getAttribute('href')}`,
    );
    expect(report.status()).toBe(200);
    const csv = await report.text();
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.trim().split(/\r?\n/)).toHaveLength(1 + file.invalid);
    expect(csv).toContain('12-34');
    await expectAccessible('dry run');
    await shot('i02-dry-run');
  });

  it('imports, with a progress bar, and the clients are in the base', async () => {
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-completed').waitFor({ timeout: 90_000 });
    expect(await count('count-created')).toBe(file.rows - file.invalid);
    expect(await count('count-invalid')).toBe(file.invalid);
    await expectAccessible('import completed');
    await shot('i03-completed');
    await page.getByTestId('import-clients-link').click();
    await page.getByTestId('client-row').first().waitFor();
    await page.getByTestId('client-search').fill('Федоров');
    // The search is in the address once typing pauses: the rows below are its results, not the list's.
    await page.waitForURL(/[?&]q=/);
    // The worker is still recomputing the new clients on the one embedded connection: allow for it.
    await expect
      .poll(() => page.getByTestId('client-row').allTextContents(), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining('Фёдоров Александр')]));
  });

  it('finds the person entered twice and merges the two records', async () => {
    await explained('duplicates scan', async () => {
      await page.getByRole('link', { name: 'Дубликаты' }).click();
      await page.getByTestId('duplicates-scan').click();
      await page.getByTestId('scan-result').waitFor();
    });
    await shot('i04-scanned');
    const pair = page.getByTestId('duplicate-pair').filter({ hasText: 'Фёдоров' });
    await expect
      .poll(() => pair.count(), {
        message: `scan: ${await page.getByTestId('scan-result').textContent()}; queue: ${(
          await page.getByTestId('duplicate-pair').allTextContents()
        )
          .slice(0, 5)
          .join(' | ')}`,
      })
      .toBeGreaterThan(0);
    await pair.first().click();
    await page.getByTestId('duplicate-review').waitFor();
    const explanation = await page.getByTestId('duplicate-explanation').textContent();
    // Саша is a diminutive of Александр: the explanation says so.
    expect(explanation).toContain('уменьшительная форма');
    await expectAccessible('duplicate review');
    await shot('i05-duplicate-review');
    await page.getByTestId('duplicate-merge').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Объединить' }).click();
    await page
      .getByTestId('merge-row')
      .first()
      .waitFor()
      .catch(async (error: unknown) => {
        await shot('i06-merge-failed');
        throw error;
      });
    expect(await page.getByTestId('merge-history').textContent()).toContain('Федоров');
    await shot('i06-merged');
  });

  it('undoes the import: created clients removed, the merged one kept and listed', async () => {
    await page.goto(`${api.url}${importPath}`);
    await page.getByTestId('import-undo').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Отменить импорт' }).click();
    await page.getByTestId('import-undone').waitFor({ timeout: 90_000 });
    // The merge changed both records after the import: undo leaves them and says so.
    const kept = await page.getByTestId('undo-kept').textContent();
    expect(kept).toMatch(/Ф[её]доров/);
    await expectAccessible('import undone');
    await shot('i07-undone');
    await page.getByRole('link', { name: 'Клиенты' }).click();
    await expect.poll(() => page.getByTestId('client-row').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
