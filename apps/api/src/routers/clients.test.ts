import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, failure, openTestApp, signUp, type TestApp } from '../testing/harness.ts';

let t: TestApp;
let owner: Caller;
beforeAll(async () => {
  t = await openTestApp();
  ({ caller: owner } = await signUp(t.app));
});
afterAll(async () => {
  await t?.close();
});

const person = (lastName: string, firstName: string, extra: Record<string, unknown> = {}) =>
  ({ kind: 'person', lastName, firstName, ...extra }) as const;

describe('clients.create and clients.search', () => {
  it('normalizes the phone and finds the client by it in another form', async () => {
    const created = await owner.trpc.clients.create.mutate({
      kind: 'person',
      lastName: 'Иванов',
      firstName: 'Иван',
      patronymic: 'Иванович',
      phones: [{ number: '8 (916) 123-45-67' }],
      emails: [{ address: ' Ivan@Example.RU ' }],
      city: 'Москва',
      tags: ['vip', 'vip'],
      source: { channel: 'walk_in' },
    });
    expect(created).toMatchObject({
      kind: 'person',
      displayName: 'Иванов Иван Иванович',
      phones: [
        { e164: '+79161234567', raw: '8 (916) 123-45-67', type: 'mobile', display: '8 (916) 123-45-67' },
      ],
      emails: [{ address: 'ivan@example.ru' }],
      tags: ['vip'],
      source: { channel: 'walk_in' },
      stage: 'prospect',
      version: 1,
    });
    expect(typeof created.createdAt).toBe('string');
    const found = await owner.trpc.clients.search.query({ q: '+79161234567' });
    expect(found.items.map((i) => [i.id, i.matchedBy])).toEqual([[created.id, 'phone']]);
    expect(found.items[0]).toMatchObject({ phone: '+79161234567', phoneDisplay: '8 (916) 123-45-67' });
    const listed = await owner.trpc.clients.list.query({ filter: { city: 'Москва' } });
    expect(listed.items.find((i) => i.id === created.id)).toMatchObject({
      phoneDisplay: '8 (916) 123-45-67',
    });
    const byName = await owner.trpc.clients.search.query({ q: 'Иванв' });
    expect(byName.items.map((i) => i.id)).toContain(created.id);
  });

  it('creates a company and checks its ИНН', async () => {
    const company = await owner.trpc.clients.create.mutate({
      kind: 'company',
      legalName: 'ООО «Ромашка»',
      inn: '7707083893',
    });
    expect(company).toMatchObject({ kind: 'company', inn: '7707083893' });
    const bad = await failure(
      owner.trpc.clients.create.mutate({ kind: 'company', legalName: 'ООО «Лютик»', inn: '7707083894' }),
      'BAD_REQUEST',
    );
    expect(bad.issues?.map((i) => i.field)).toEqual(['inn']);
  });

  it('reports every domain problem at once, each naming its field', async () => {
    const error = await failure(
      owner.trpc.clients.create.mutate({
        kind: 'person',
        lastName: 'Петров',
        firstName: 'Пётр',
        phones: [{ number: '+7 916 123 45 67' }, { number: '12345' }],
        emails: [{ address: 'not-an-email' }],
      }),
      'BAD_REQUEST',
    );
    expect(error.issues?.map((i) => i.field)).toEqual(['phones.1.number', 'emails.0.address']);
  });

  it('names the other client when the workspace keeps phones unique', async () => {
    const { caller } = await signUp(t.app);
    await caller.trpc.workspace.updateSettings.mutate({ uniquePhones: true });
    const first = await caller.trpc.clients.create.mutate(
      person('Сидоров', 'Сидор', { phones: [{ number: '+79160000001' }] }),
    );
    const error = await failure(
      caller.trpc.clients.create.mutate(
        person('Козлов', 'Кирилл', { phones: [{ number: '8 916 000-00-01' }] }),
      ),
      'CONFLICT',
    );
    expect(error.conflict).toEqual({
      field: 'phones.0.number',
      other: { entity: 'client', id: first.id, name: 'Сидоров Сидор' },
    });
  });
});

describe('clients.update and clients.archive', () => {
  it('lays the patch over the record, replaces contacts, and refuses a stale version', async () => {
    const created = await owner.trpc.clients.create.mutate(
      person('Смирнова', 'Анна', { phones: [{ number: '+7 (903) 111-22-33' }], city: 'Тверь' }),
    );
    const updated = await owner.trpc.clients.update.mutate({
      id: created.id,
      kind: 'person',
      patronymic: 'Сергеевна',
      emails: [{ address: 'anna@example.com', type: 'personal' }],
      city: null,
    });
    expect(updated).toMatchObject({
      displayName: 'Смирнова Анна Сергеевна',
      city: null,
      phones: [{ e164: '+79031112233', raw: '+7 (903) 111-22-33' }],
      emails: [{ address: 'anna@example.com', type: 'personal' }],
      version: 2,
    });
    const stale = await failure(
      owner.trpc.clients.update.mutate({ id: created.id, kind: 'person', city: 'Тула', expectedVersion: 1 }),
      'CONFLICT',
    );
    expect(stale.conflict?.field).toBe('expectedVersion');
    const kind = await failure(
      owner.trpc.clients.update.mutate({ id: created.id, kind: 'company', legalName: 'X' }),
      'BAD_REQUEST',
    );
    expect(kind.issues?.[0]?.field).toBe('kind');
    await failure(
      owner.trpc.clients.update.mutate({
        id: '00000000-0000-4000-8000-000000000000',
        kind: 'person',
        city: 'X',
      }),
      'NOT_FOUND',
    );
  });

  it('archives and restores; archived clients leave the default list', async () => {
    const created = await owner.trpc.clients.create.mutate(person('Архивов', 'Артём'));
    const archived = await owner.trpc.clients.archive.mutate({ id: created.id });
    expect(archived.stage).toBe('archived');
    expect(archived.archivedAt).toEqual(expect.any(String));
    const list = await owner.trpc.clients.list.query({ limit: 500 });
    expect(list.items.map((i) => i.id)).not.toContain(created.id);
    const withArchived = await owner.trpc.clients.list.query({ filter: { stage: ['archived'] } });
    expect(withArchived.items.map((i) => i.id)).toEqual([created.id]);
    const restored = await owner.trpc.clients.archive.mutate({ id: created.id, archived: false });
    expect(restored.stage).toBe('prospect');
  });
});

describe('clients.list', () => {
  it('filters, sorts and pages with a cursor without skipping or repeating', async () => {
    const { caller } = await signUp(t.app);
    const names = ['Яковлев', 'Александров', 'Борисов', 'Волков', 'Григорьев', 'Дмитриев', 'Егоров'];
    for (const [i, lastName] of names.entries()) {
      await caller.trpc.clients.create.mutate(
        person(lastName, 'Тест', { city: i % 2 ? 'Казань' : 'Омск', tags: i < 3 ? ['a'] : [] }),
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { displayName: string }[]; nextCursor: string | null } =
        await caller.trpc.clients.list.query({
          sort: { field: 'displayName', direction: 'asc' },
          limit: 3,
          cursor,
        });
      seen.push(...page.items.map((i) => i.displayName.split(' ')[0]!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].sort((a, b) => a.localeCompare(b, 'ru')));

    const kazan = await caller.trpc.clients.list.query({ filter: { city: 'казань' } });
    expect(kazan.items).toHaveLength(3);
    const tagged = await caller.trpc.clients.list.query({
      filter: { tags: ['a'] },
      sort: { field: 'createdAt', direction: 'asc' },
    });
    expect(tagged.items.map((i) => i.displayName.split(' ')[0])).toEqual([
      'Яковлев',
      'Александров',
      'Борисов',
    ]);

    const bad = await failure(
      caller.trpc.clients.list.query({
        sort: { field: 'temperatureScore', direction: 'asc' },
        cursor: 'garbage',
      }),
      'BAD_REQUEST',
    );
    expect(bad.issues).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });
});

describe('history, timeline and the client card', () => {
  it('records interactions, purchases, payments, tasks and consents, and shows them', async () => {
    const client = await owner.trpc.clients.create.mutate(
      person('Покупатель', 'Павел', {
        phones: [{ number: '+79165554433' }],
        source: {
          channel: 'referral',
          referrerClientId: (await owner.trpc.clients.create.mutate(person('Рекомендатель', 'Роман'))).id,
        },
      }),
    );
    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    const purchase = await owner.trpc.purchases.add.mutate({
      clientId: client.id,
      at: day(3),
      amount: '1234.5',
    });
    expect(purchase).toMatchObject({ amountKopecks: 123_450, currency: 'RUB' });
    await owner.trpc.purchases.add.mutate({ clientId: client.id, at: day(40), amount: 0.29 });
    await owner.trpc.payments.add.mutate({
      clientId: client.id,
      purchaseId: purchase.id,
      at: day(2),
      amount: 1234.5,
      method: 'card',
    });
    await owner.trpc.interactions.add.mutate({
      clientId: client.id,
      kind: 'call',
      at: day(1),
      summary: 'Обсудили заказ',
    });
    await owner.trpc.interactions.add.mutate({ clientId: client.id, kind: 'inbound_request', at: day(0) });
    const task = await owner.trpc.tasks.add.mutate({
      clientId: client.id,
      title: 'Перезвонить',
      dueAt: day(-2),
    });
    await owner.trpc.consents.set.mutate({
      clientId: client.id,
      channel: 'sms',
      purpose: 'marketing',
      granted: true,
      proof: { kind: 'verbal', managerName: 'Ольга' },
      at: day(5),
    });

    const tasks = await owner.trpc.tasks.list.query({ clientId: client.id, open: true });
    expect(tasks.items.map((i) => i.id)).toEqual([task.id]);
    const done = await owner.trpc.tasks.complete.mutate({ id: task.id });
    expect(done.doneAt).toEqual(expect.any(String));
    expect((await owner.trpc.tasks.list.query({ clientId: client.id, open: true })).items).toEqual([]);

    const card = await owner.trpc.clients.get.query({ id: client.id });
    expect(card.source).toMatchObject({
      channel: 'referral',
      referrer: { displayName: 'Рекомендатель Роман' },
    });
    expect(card.consents.ledger).toHaveLength(1);
    const sms = card.consents.current.find((c) => c.channel === 'sms' && c.purpose === 'marketing')!;
    expect(sms).toMatchObject({ allowed: true, reason: 'granted' });
    expect(sms.text.ru).toMatch(/^Согласие на маркетинговые SMS дано/);
    const email = card.consents.current.find((c) => c.channel === 'email' && c.purpose === 'marketing')!;
    expect(email).toMatchObject({
      allowed: false,
      reason: 'no_consent',
      text: { en: 'No consent to marketing e-mails' },
    });

    expect(card.temperature?.level).toBe('hot');
    expect(card.temperature?.score).toBeGreaterThan(0);
    const signals = card.temperature!.reasons.map((r) => r.signal);
    expect(signals).toEqual(expect.arrayContaining(['last_purchase', 'inbound_request', 'source_channel']));
    const lastPurchase = card.temperature!.reasons.find((r) => r.signal === 'last_purchase')!;
    expect(lastPurchase.text.ru).toMatch(/^Последняя покупка 3 дня назад: \+\d+$/);
    expect(lastPurchase.text.en).toMatch(/^Last purchase 3 days ago: \+\d+$/);
    expect(card.rfm).toMatchObject({ purchaseCount: 2, monetaryKopecks: 123_479 });
    expect(card.rfm.group).not.toBe('no_purchases');

    const first = await owner.trpc.clients.timeline.query({ id: client.id, limit: 3 });
    // Tasks stand at their creation time: the newest entry here.
    expect(first.items.map((i) => i.type)).toEqual(['task', 'interaction', 'interaction']);
    const rest = await owner.trpc.clients.timeline.query({
      id: client.id,
      cursor: first.nextCursor,
      limit: 10,
    });
    expect(rest.items.map((i) => i.type)).toEqual(['payment', 'purchase', 'consent', 'purchase']);
    expect(rest.nextCursor).toBeNull();
  });

  it('refuses amounts with more than two decimals and history for unknown clients', async () => {
    const client = await owner.trpc.clients.create.mutate(person('Точный', 'Тимур'));
    const error = await failure(
      owner.trpc.purchases.add.mutate({ clientId: client.id, at: new Date().toISOString(), amount: 10.005 }),
      'BAD_REQUEST',
    );
    expect(error.issues?.map((i) => i.field)).toEqual(['amount']);
    await failure(
      owner.trpc.interactions.add.mutate({
        clientId: '00000000-0000-4000-8000-000000000000',
        kind: 'call',
        at: new Date().toISOString(),
      }),
      'NOT_FOUND',
    );
    await failure(owner.trpc.clients.timeline.query({ id: client.id, cursor: 'nope' }), 'BAD_REQUEST');
  });
});

describe('RFM', () => {
  it('scores the card the same as the domain computes it over the whole base', async () => {
    const { computeRfm } = await import('@cb/domain');
    const { caller } = await signUp(t.app);
    const plan = [
      { name: 'Первый', purchases: [[10, 100]] },
      {
        name: 'Второй',
        purchases: [
          [5, 50],
          [20, 70],
        ],
      },
      {
        name: 'Третий',
        purchases: [
          [100, 5000],
          [200, 10],
          [300, 10],
        ],
      },
      { name: 'Четвёртый', purchases: [[1, 1]] },
      { name: 'Пятый', purchases: [] },
    ] as const;
    const rows = [];
    const now = Date.now();
    for (const p of plan) {
      const c = await caller.trpc.clients.create.mutate(person(p.name, 'Клиент'));
      for (const [daysAgo, roubles] of p.purchases) {
        await caller.trpc.purchases.add.mutate({
          clientId: c.id,
          at: new Date(now - daysAgo * 86_400_000).toISOString(),
          amount: roubles,
        });
      }
      rows.push({
        clientId: c.id,
        lastPurchaseAt: p.purchases.length
          ? new Date(now - Math.min(...p.purchases.map(([d]) => d)) * 86_400_000)
          : null,
        purchaseCount: p.purchases.length,
        monetaryKopecks: p.purchases.reduce((s, [, r]) => s + r * 100, 0),
      });
    }
    const expected = computeRfm(rows, new Date(now));
    for (const e of expected) {
      const card = await caller.trpc.clients.get.query({ id: e.clientId });
      expect({ r: card.rfm.r, f: card.rfm.f, m: card.rfm.m, group: card.rfm.group }).toEqual({
        r: e.r,
        f: e.f,
        m: e.m,
        group: e.group,
      });
    }
  });
});

describe('custom fields', () => {
  it('checks values against the definitions, naming custom.<key>', async () => {
    await owner.trpc.fields.define.mutate({ key: 'size', label: 'Размер', type: 'number' });
    await owner.trpc.fields.define.mutate({
      key: 'level',
      label: 'Уровень',
      type: 'one_of',
      options: ['gold', 'silver'],
    });
    const error = await failure(
      owner.trpc.clients.create.mutate(person('Полев', 'Пётр', { custom: { size: 'XL', level: 'bronze' } })),
      'BAD_REQUEST',
    );
    expect(error.issues?.map((i) => i.field)).toEqual(['custom.size', 'custom.level']);
    const ok = await owner.trpc.clients.create.mutate(
      person('Полев', 'Пётр', { custom: { size: 52, level: 'gold' } }),
    );
    expect(ok.custom).toEqual({ size: 52, level: 'gold' });
    const patched = await owner.trpc.clients.update.mutate({
      id: ok.id,
      kind: 'person',
      custom: { size: null },
    });
    expect(patched.custom).toEqual({ level: 'gold' });

    const retype = await failure(
      owner.trpc.fields.define.mutate({ key: 'size', label: 'Размер', type: 'text' }),
      'CONFLICT',
    );
    expect(retype.conflict?.field).toBe('type');
    const badKey = await failure(
      owner.trpc.fields.define.mutate({ key: 'Bad Key', label: 'x', type: 'text' }),
      'BAD_REQUEST',
    );
    expect(badKey.issues?.map((i) => i.field)).toEqual(['key']);
    const fields = await owner.trpc.fields.list.query();
    expect(fields.items.map((f) => f.key)).toEqual(['size', 'level']);
  });
});

describe('managers who see only their own clients', () => {
  it('do not see or change other people’s clients', async () => {
    const { addMember } = await import('../testing/harness.ts');
    const { caller: boss } = await signUp(t.app);
    await boss.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: true });
    const manager = await addMember(t.app, boss, 'manager');
    const bossClient = await boss.trpc.clients.create.mutate(person('Чужой', 'Клиент'));
    const own = await manager.caller.trpc.clients.create.mutate(person('Свой', 'Клиент'));
    expect(own.ownerId).toBe(manager.userId);
    const list = await manager.caller.trpc.clients.list.query();
    expect(list.items.map((i) => i.id)).toEqual([own.id]);
    await failure(manager.caller.trpc.clients.get.query({ id: bossClient.id }), 'NOT_FOUND');
    await failure(
      manager.caller.trpc.clients.update.mutate({ id: bossClient.id, kind: 'person', city: 'X' }),
      'NOT_FOUND',
    );
    const preview = await manager.caller.trpc.segments.preview.query({ rule: { type: 'and', rules: [] } });
    expect(preview.count).toBe(1);
    // A segment's member count, in the list and on its own, counts only what the reader may see.
    const everyone = await boss.trpc.segments.create.mutate({
      name: 'Все',
      rule: { type: 'and', rules: [] },
    });
    expect(everyone.memberCount).toBe(2);
    expect((await manager.caller.trpc.segments.list.query()).items.map((s) => s.memberCount)).toEqual([1]);
    expect((await manager.caller.trpc.segments.get.query({ id: everyone.id })).memberCount).toBe(1);
    expect((await boss.trpc.segments.get.query({ id: everyone.id })).memberCount).toBe(2);
    const members = await manager.caller.trpc.segments.members.query({ id: everyone.id });
    expect(members.items.map((m) => m.id)).toEqual([own.id]);
  });
});
