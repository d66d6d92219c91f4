import { describe, expect, it } from 'vitest';
import { ZClientInput, ZClientPatch } from './client.ts';
import { fieldIssuesFromZod, parseClientInput, parseClientPatch } from './parse.ts';

const uuid = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f';

describe('ZClientInput', () => {
  it.each([
    [{ kind: 'person', lastName: 'Иванов', firstName: 'Иван' }],
    [
      {
        kind: 'person',
        lastName: 'Иванов',
        firstName: 'Иван',
        patronymic: 'Иванович',
        birthday: '1990-01-01',
        phones: [{ number: '89161234567', type: 'mobile', verifiedAt: '2026-01-01T00:00:00Z' }],
        emails: [{ address: 'ivan@example.com', type: 'work' }],
        ownerId: uuid,
        source: { channel: 'referral', referrerClientId: uuid },
        custom: { size: 'M' },
        externalId: '1C-000123',
        verifiedAt: '2026-01-01T12:00:00+03:00',
      },
    ],
    [{ kind: 'company', legalName: 'ООО Ромашка', inn: '7707083893', kpp: '773601001' }],
  ])('accepts %j', (input) => {
    expect(ZClientInput.safeParse(input).success).toBe(true);
  });

  it.each([
    [{ kind: 'person', lastName: '  ', firstName: 'Иван' }, 'lastName'],
    [{ kind: 'person', firstName: 'Иван' }, 'lastName'],
    [{ kind: 'person', lastName: 'Иванов' }, 'firstName'],
    [{ kind: 'company' }, 'legalName'],
    [{ kind: 'robot', name: 'R2' }, 'kind'],
    [{ kind: 'person', lastName: 'Иванов', firstName: 'Иван', legalName: 'ООО' }, ''],
    [{ kind: 'company', legalName: 'ООО', ownerId: '42' }, 'ownerId'],
    [{ kind: 'company', legalName: 'ООО', phones: [{ number: '1', type: 'fax' }] }, 'phones.0.type'],
    [
      { kind: 'company', legalName: 'ООО', emails: [{ address: 'a@b.ru', verifiedAt: '2026-01-01' }] },
      'emails.0.verifiedAt',
    ],
    [{ kind: 'company', legalName: 'ООО', tags: [''] }, 'tags.0'],
    [{ kind: 'company', legalName: 'ООО', source: { channel: 'purchased_list' } }, 'source.batchId'],
  ])('refuses %j at %j', (input, field) => {
    const r = parseClientInput(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((i) => i.field)).toContain(field);
  });

  it('trims and deduplicates tags, and caps them at 50 after that', () => {
    const r = ZClientInput.parse({ kind: 'company', legalName: 'X', tags: [' vip ', 'vip', 'опт  клиент'] });
    expect(r.tags).toEqual(['vip', 'опт клиент']);
    const many = [...Array.from({ length: 50 }, (_, i) => `t${i}`), 't0', 't1'];
    expect(ZClientInput.safeParse({ kind: 'company', legalName: 'X', tags: many }).success).toBe(true);
    expect(ZClientInput.safeParse({ kind: 'company', legalName: 'X', tags: [...many, 't50'] }).success).toBe(
      false,
    );
  });
});

describe('ZClientPatch', () => {
  it.each([
    [{ kind: 'person' }, true],
    [{ kind: 'person', city: null, patronymic: null, birthday: null }, true],
    [{ kind: 'company', inn: null, ownerId: null, custom: { size: null } }, true],
    [{ kind: 'person', lastName: null }, false],
    [{ kind: 'person', legalName: 'ООО' }, false],
    [{ city: 'Москва' }, false],
  ])('%j valid: %s', (patch, valid) => {
    expect(ZClientPatch.safeParse(patch).success).toBe(valid);
    expect(parseClientPatch(patch).ok).toBe(valid);
  });
});

describe('fieldIssuesFromZod', () => {
  it('joins paths with dots and keeps zod codes', () => {
    const r = ZClientInput.safeParse({
      kind: 'person',
      lastName: 'A',
      firstName: 'B',
      phones: [{ number: 5 }],
    });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(fieldIssuesFromZod(r.error)).toEqual([
        expect.objectContaining({ field: 'phones.0.number', code: 'invalid_type' }),
      ]);
    }
  });
});
