import { type PurchaseField, purchaseFields, suggestPurchaseMapping } from '@cb/domain';
import { describe, expect, it } from 'vitest';
import {
  assignmentOf,
  checkPurchaseAssignment,
  type PurchaseAssignment,
  purchaseFieldKeys,
  purchaseIssuesByField,
  purchaseMappingOf,
  toPurchaseMapping,
} from './purchase-mapping.ts';

/** The UCI Online Retail file's header row. */
const retailHeaders = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];

const assign = (fields: Partial<Record<PurchaseField, number>>): PurchaseAssignment => ({
  ...assignmentOf([]),
  ...fields,
});

const retail = assign({
  invoice: 0,
  sku: 1,
  description: 2,
  quantity: 3,
  date: 4,
  unitPrice: 5,
  clientExternalId: 6,
  country: 7,
});

describe('purchase mapping in the editor', () => {
  it('offers every purchase field of the domain, once', () => {
    expect([...purchaseFieldKeys].sort()).toEqual([...purchaseFields].sort());
  });

  it('reads the suggestion for the UCI Online Retail headers field by field, and sends it back column by column', () => {
    const assignment = assignmentOf(suggestPurchaseMapping(retailHeaders));
    expect(assignment).toEqual(retail);
    expect(toPurchaseMapping(assignment, retailHeaders)).toEqual(suggestPurchaseMapping(retailHeaders));
  });

  it.each<[string, PurchaseAssignment, ReturnType<typeof checkPurchaseAssignment>]>([
    ['a complete assignment', retail, []],
    ['an amount instead of a price', assign({ clientExternalId: 0, date: 1, amount: 2 }), []],
    [
      'nothing chosen',
      assignmentOf([]),
      [
        { kind: 'missing', field: 'clientExternalId' },
        { kind: 'missing', field: 'date' },
        { kind: 'missingPrice', field: 'unitPrice' },
      ],
    ],
    [
      'one column for two fields',
      { ...retail, clientName: 6 },
      [
        { kind: 'taken', field: 'clientExternalId', other: 'clientName' },
        { kind: 'taken', field: 'clientName', other: 'clientExternalId' },
      ],
    ],
  ])('checks %s', (_, assignment, problems) => {
    expect(checkPurchaseAssignment(assignment)).toEqual(problems);
  });

  it('puts an API issue about column N on the field that chose column N', () => {
    expect(
      purchaseIssuesByField(
        {
          'mapping.6.target': 'Two columns fill clientExternalId',
          'mapping.4': 'Bad column',
          mapping: 'A column with the date is required',
          'source.name': 'Required',
        },
        retail,
      ),
    ).toEqual({ clientExternalId: 'Two columns fill clientExternalId', date: 'Bad column' });
  });

  it('reads a stored purchase mapping, and suggests one for a client import', () => {
    const headers = ['Д', 'С', 'К'];
    const stored = toPurchaseMapping(assign({ clientExternalId: 2, date: 0, amount: 1 }), headers);
    const suggested = suggestPurchaseMapping(headers);
    expect(
      purchaseMappingOf({ kind: 'purchases', mapping: stored, suggestedMapping: suggested, headers }),
    ).toEqual(stored);
    // Nothing stored yet: the API's suggestion.
    const none = stored.map((c) => ({ ...c, target: null }));
    expect(
      purchaseMappingOf({ kind: 'purchases', mapping: none, suggestedMapping: stored, headers }),
    ).toEqual(stored);
    expect(purchaseMappingOf({ kind: 'clients', headers: retailHeaders, sample: [] })).toEqual(
      suggestPurchaseMapping(retailHeaders),
    );
    // A file whose invoice dates are written month first: the suggestion reads them so.
    const us = [['536365', '85123A', 'HEART', '6', '12/13/2010 8:26', '2.55', '17850', 'United Kingdom']];
    expect(
      purchaseMappingOf({ kind: 'clients', headers: retailHeaders, sample: us }).find(
        (c) => c.target === 'date',
      ),
    ).toMatchObject({ header: 'InvoiceDate', dateOrder: 'mdy' });
  });
});
