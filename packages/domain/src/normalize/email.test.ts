import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email.ts';

describe('normalizeEmail', () => {
  it.each([
    ['ivan@example.com', 'ivan@example.com'],
    ['  Ivan.Petrov@Example.COM ', 'ivan.petrov@example.com'],
    ['иван@пример.рф', 'иван@xn--e1afmkfd.xn--p1ai'],
    ['Иван@Пример.РФ', 'иван@xn--e1afmkfd.xn--p1ai'],
    ['ivan+crm@mail.ru', 'ivan+crm@mail.ru'],
    ["o'neil@example.com", "o'neil@example.com"],
    ['a@b.co', 'a@b.co'],
    ['user@sub.domain-with-dash.example', 'user@sub.domain-with-dash.example'],
    ['ivan@xn--e1afmkfd.xn--p1ai', 'ivan@xn--e1afmkfd.xn--p1ai'],
    ['test@müller.de', 'test@xn--mller-kva.de'],
  ])('%j → %s', (raw, expected) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [''],
    ['   '],
    ['ivan'],
    ['ivan@'],
    ['@example.com'],
    ['ivan@@example.com'],
    ['ivan@exa@mple.com'],
    ['ivan@localhost'],
    ['iv an@example.com'],
    ['ivan@exa mple.com'],
    ['ivan@example..com'],
    ['ivan@.example.com'],
    ['ivan@example.com.'],
    ['.ivan@example.com'],
    ['ivan.@example.com'],
    ['iv..an@example.com'],
    ['ivan@-example.com'],
    ['ivan@exa_mple.com'],
    ['ivan@192.168.0.1'],
    ['"ivan"@example.com'],
    ['ivan,petrov@example.com'],
    ['<ivan@example.com>'],
    [`${'a'.repeat(65)}@example.com`],
  ])('%j is refused', (raw) => {
    expect(normalizeEmail(raw, 'emails.0.address')).toEqual({
      ok: false,
      error: expect.objectContaining({ field: 'emails.0.address', code: 'email_invalid' }),
    });
  });

  it('never throws and is idempotent on hostile input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 30 }), (a, b) => {
        const r = normalizeEmail(`${a}@${b}`);
        if (r.ok) expect(normalizeEmail(r.value)).toEqual(r);
      }),
    );
  });
});
