import { describe, expect, it } from 'vitest';
import { innKind, validateInn, validateKpp } from './inn.ts';

describe('validateInn', () => {
  it.each([
    ['7707083893', 'legal_entity'], // Сбербанк
    ['7736050003', 'legal_entity'], // Газпром
    ['7736207543', 'legal_entity'], // Яндекс
    ['7736036802', 'legal_entity'],
    ['7848061130', 'legal_entity'],
    ['3662001146', 'legal_entity'],
    ['500100732259', 'individual'],
    ['770712345633', 'individual'],
    ['783000293063', 'individual'],
    ['662300001490', 'individual'],
    [' 7707083893 ', 'legal_entity'],
  ])('%j is a valid %s INN', (raw, kind) => {
    const r = validateInn(raw);
    expect(r).toEqual({ ok: true, value: raw.trim() });
    expect(innKind(raw.trim())).toBe(kind);
  });

  it.each([
    ['7707083894', 'inn_checksum'],
    ['7707083883', 'inn_checksum'],
    ['500100732258', 'inn_checksum'],
    ['500100732249', 'inn_checksum'],
    ['770712345634', 'inn_checksum'],
    ['1234567890', 'inn_checksum'],
    ['', 'inn_format'],
    ['770708389', 'inn_format'],
    ['77070838931', 'inn_format'],
    ['7707 083893', 'inn_format'],
    ['77O7083893', 'inn_format'],
    ['-707083893', 'inn_format'],
    ['0000000000', 'inn_format'],
    ['000000000000', 'inn_format'],
  ])('%j → %s', (raw, code) => {
    expect(validateInn(raw, 'company.inn')).toEqual({
      ok: false,
      error: expect.objectContaining({ field: 'company.inn', code }),
    });
  });
});

describe('validateKpp', () => {
  it.each([
    ['773601001', '773601001'],
    [' 7736AB001 ', '7736AB001'],
    ['7736ab001', '7736AB001'],
    ['77360A001', '77360A001'],
  ])('%j → %s', (raw, kpp) => {
    expect(validateKpp(raw)).toEqual({ ok: true, value: kpp });
  });

  it.each([[''], ['77360100'], ['7736010011'], ['A73601001'], ['7736АБ001'], ['773601A01'], ['7736-01-001']])(
    '%j is refused',
    (raw) => {
      expect(validateKpp(raw)).toEqual({
        ok: false,
        error: expect.objectContaining({ field: 'kpp', code: 'kpp_format' }),
      });
    },
  );
});
