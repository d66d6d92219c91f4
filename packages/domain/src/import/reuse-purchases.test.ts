import { describe, expect, it } from 'vitest';
import {
  type PurchaseField,
  type PurchaseMapping,
  reusePurchaseMapping,
  suggestPurchaseMapping,
} from './purchases.ts';

/** A mapping of `headers` giving each field the column named for it. */
function mappingOf(headers: string[], fields: Partial<Record<string, PurchaseField>>): PurchaseMapping {
  return headers.map((header, column) => ({ column, header, target: fields[header] ?? null }));
}

const saved = mappingOf(['Код покупателя (1С)', 'Когда', 'Итог', 'Страна'], {
  'Код покупателя (1С)': 'clientExternalId',
  Когда: 'date',
  Итог: 'amount',
});

describe('reusePurchaseMapping', () => {
  it.each<[string, string[], (PurchaseField | null)[]]>([
    [
      'the columns moved, one renamed in case only, one unknown to the saved mapping',
      ['Итог', 'Город', 'когда', 'Код покупателя (1С)'],
      // `Город` is not in the saved mapping: it gets the suggestion.
      ['amount', 'city', 'date', 'clientExternalId'],
    ],
    [
      'a header the saved mapping left unmapped, which the suggestion would map',
      ['Код покупателя (1С)', 'Когда', 'Итог', 'Страна'],
      ['clientExternalId', 'date', 'amount', null],
    ],
    [
      'a header repeated in the file: the field takes the first',
      ['Итог', 'Итог', 'Когда', 'Код покупателя (1С)'],
      ['amount', null, 'date', 'clientExternalId'],
    ],
    [
      'a file with none of the saved headers: the suggestion',
      ['CustomerID', 'InvoiceDate', 'Price'],
      ['clientExternalId', 'date', 'unitPrice'],
    ],
  ])('%s', (_, headers, targets) => {
    const reused = reusePurchaseMapping(saved, headers);
    expect(reused.map((c) => c.target)).toEqual(targets);
    expect(reused.map((c) => [c.column, c.header])).toEqual(headers.map((h, i) => [i, h]));
  });

  it('gives a saved field the column it had, over the suggestion for another header', () => {
    // `Дата` would be suggested as the date, but the saved mapping named `Когда` for it.
    const reused = reusePurchaseMapping(saved, ['Дата', 'Когда', 'Итог', 'Код покупателя (1С)']);
    expect(reused.map((c) => c.target)).toEqual([null, 'date', 'amount', 'clientExternalId']);
    expect(suggestPurchaseMapping(['Дата'])[0]?.target).toBe('date');
  });
});
