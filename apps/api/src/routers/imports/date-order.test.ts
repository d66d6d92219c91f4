import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suggestPurchaseMapping } from '@cb/domain';
import { runImport } from '@cb/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, failure, openTestApp, signUp, type TestApp } from '../../testing/harness.ts';

/*
 * Files from American systems write dates month first: the order is suggested from the file's
 * sample, set with the mapping (`dateOrder`, a bad value refused by name), and the dry run and
 * the run read dates in it. A finished purchase import says how many purchases it added.
 */

let t: TestApp;
let owner: Caller;
let spoolDir: string;

beforeAll(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'cb-imports-dates-'));
  t = await openTestApp();
  owner = (await signUp(t.app, { workspaceName: 'US dates' })).caller;
});
afterAll(async () => {
  await t?.close();
  if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
});

async function upload(csv: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([csv]), name);
  const response = await owner.fetch('http://test.local/api/imports', { method: 'POST', body: form });
  const body = (await response.json()) as { importId?: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body.importId!;
}

const US_CLIENTS = [
  'ФИО,Дата рождения,Телефон',
  'Иванов Иван,05/06/1990,+7 916 123-45-67',
  'Петрова Анна,12/13/2010,+7 903 111-22-33',
  '',
].join('\n');

describe('a client file with dates month first', () => {
  let id: string;
  beforeAll(async () => {
    id = await upload(US_CLIENTS, 'us-clients.csv');
  });

  it('gets mdy suggested and stored at upload, and its dry run reads the birthdays so', async () => {
    const view = await owner.trpc.imports.get.query({ id });
    expect(view).toMatchObject({ kind: 'clients', dateOrder: 'mdy', suggestedDateOrder: 'mdy' });
    expect(view.suggestedMapping.map((c) => c.dateOrder)).toEqual(['mdy', 'mdy', 'mdy']);
    expect(view.mapping).toEqual(view.suggestedMapping);

    const dry = await owner.trpc.imports.dryRun.mutate({ id });
    if (dry.kind !== 'clients') throw new Error(`a client dry run, not ${dry.kind}`);
    expect(dry.counts).toMatchObject({ create: 2, invalid: 0 });
    expect(dry.preview.map((p) => p.client?.birthday)).toEqual(['1990-05-06', '2010-12-13']);
    const stored = await owner.trpc.imports.get.query({ id });
    if (stored.dryRun?.kind !== 'clients') throw new Error('the stored dry run is of a client file');
    expect(stored.dryRun.preview[1]?.client?.birthday).toBe('2010-12-13');
  });

  it('refuses a date order that is not one, naming dateOrder', async () => {
    const view = await owner.trpc.imports.get.query({ id });
    const bad = await failure(
      owner.trpc.imports.setMapping.mutate({
        id,
        mapping: view.mapping,
        // @ts-expect-error: not a date order, as a hand-written request may send
        dateOrder: 'xyz',
      }),
      'BAD_REQUEST',
    );
    expect(bad.issues!.map((i) => i.field)).toEqual(['dateOrder']);
    const perColumn = await failure(
      owner.trpc.imports.setMapping.mutate({
        id,
        // The same on a column: the engine checks the columns and names the path.
        mapping: [{ ...view.mapping[0]!, dateOrder: 'ymd' }],
      }),
      'BAD_REQUEST',
    );
    expect(perColumn.issues!.map((i) => i.field)).toEqual(['mapping.0.dateOrder']);
    expect((await owner.trpc.imports.get.query({ id })).dateOrder).toBe('mdy');
  });

  it('reads the file day first when the person says so: the US birthday is then refused', async () => {
    const view = await owner.trpc.imports.get.query({ id });
    const set = await owner.trpc.imports.setMapping.mutate({ id, mapping: view.mapping, dateOrder: 'dmy' });
    expect(set).toMatchObject({ dateOrder: 'dmy', suggestedDateOrder: 'mdy' });
    expect(set.mapping.some((c) => 'dateOrder' in c)).toBe(false);
    const dry = await owner.trpc.imports.dryRun.mutate({ id });
    if (dry.kind !== 'clients') throw new Error(`a client dry run, not ${dry.kind}`);
    expect(dry.counts).toMatchObject({ create: 1, invalid: 1 });
    expect(dry.preview[0]?.client?.birthday).toBe('1990-06-05');
    expect(dry.preview[1]?.issues.map((i) => [i.header, i.code])).toEqual([
      ['Дата рождения', 'birthday_format'],
    ]);

    const back = await owner.trpc.imports.setMapping.mutate({ id, mapping: set.mapping, dateOrder: 'mdy' });
    expect(back.dateOrder).toBe('mdy');
  });
});

/** Online Retail lines as an American export writes them: month first, with a time. */
const US_RETAIL = [
  'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
  '536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom',
  '536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom',
  '536366,22633,HAND WARMER,6,12/13/2010 8:28,1.85,13047,United Kingdom',
  '536367,22632,NO CUSTOMER,1,12/13/2010 8:29,1.00,,United Kingdom',
  'C536379,D,Discount,-1,12/13/2010 9:41,27.50,14527,United Kingdom',
  '536368,22960,JAM MAKING SET,6,12/14/2010 9:42,4.25,13047,United Kingdom',
  '',
].join('\n');

describe('a purchase file with dates month first', () => {
  it('gets mdy suggested, dry-runs and runs in it, and counts the purchases it added', async () => {
    const id = await upload(US_RETAIL, 'us-retail.csv');
    const uploaded = await owner.trpc.imports.get.query({ id });
    // The sample's invoice dates decide for a purchase mapping too.
    expect(suggestPurchaseMapping(uploaded.headers, uploaded.sample).map((c) => c.dateOrder)).toContain(
      'mdy',
    );

    const set = await owner.trpc.imports.setMapping.mutate({
      id,
      kind: 'purchases',
      mapping: suggestPurchaseMapping(uploaded.headers),
      dateOrder: 'mdy',
      source: { batchKind: 'import', name: 'US Retail', currency: 'USD' },
    });
    expect(set).toMatchObject({ kind: 'purchases', dateOrder: 'mdy', suggestedDateOrder: 'mdy' });
    if (set.kind !== 'purchases') throw new Error(`a purchase import, not ${set.kind}`);
    expect(set.suggestedMapping.find((c) => c.target === 'date')?.dateOrder).toBe('mdy');

    const dry = await owner.trpc.imports.dryRun.mutate({ id });
    if (dry.kind !== 'purchases') throw new Error(`a purchase dry run, not ${dry.kind}`);
    expect(dry.counts).toEqual({
      purchases: 3,
      lines: 4,
      newClients: 2,
      existingClients: 0,
      invalid: 1,
      returns: 1,
    });
    expect(dry.preview.flatMap((p) => (p.line ? [[p.row, p.line.at]] : []))).toEqual([
      [2, '2010-12-01T08:26:00Z'],
      [3, '2010-12-01T08:26:00Z'],
      [4, '2010-12-13T08:28:00Z'],
      [7, '2010-12-14T09:42:00Z'],
    ]);

    await owner.trpc.imports.start.mutate({ id });
    const outcome = await runImport(t.database, id, { tempDir: spoolDir, chunkRows: 2 });
    expect(outcome.status).toBe('completed');
    const status = await owner.trpc.imports.status.query({ id });
    expect(status.counts).toEqual({
      rowsDone: 6,
      created: 2,
      updated: 0,
      duplicates: 0,
      invalid: 2,
      purchases: 3,
    });
    expect((await owner.trpc.imports.get.query({ id })).counts.purchases).toBe(3);
    const listed = (await owner.trpc.imports.list.query({})).items.find((i) => i.id === id);
    expect(listed?.counts.purchases).toBe(3);
  });

  it('a client import counts no purchases', async () => {
    const id = await upload('ФИО,Телефон\nОрлова Ольга,89265550001\n', 'one-client.csv');
    await owner.trpc.imports.start.mutate({ id, duplicatePolicy: { matchBy: ['phone'], action: 'skip' } });
    await runImport(t.database, id, { tempDir: spoolDir });
    expect((await owner.trpc.imports.status.query({ id })).counts).toEqual({
      rowsDone: 1,
      created: 1,
      updated: 0,
      duplicates: 0,
      invalid: 0,
      purchases: 0,
    });
  });
});
