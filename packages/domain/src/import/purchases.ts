/**
 * Purchase files: one row per invoice line (an online shop's export, 1C's sales report) or one
 * row per order (`Номер заказа; Дата; Сумма; Код клиента`). A row names the customer by an
 * external id, so purchases attach to clients of an earlier client import (or to clients created
 * for them), and rows of one invoice become one purchase with its lines.
 *
 * Decisions, stated once:
 * - Returns and cancellations (a negative quantity, or an invoice starting with `C` as in the
 *   UCI Online Retail file) are not imported: they are reported with code `purchase_return`, so
 *   the error report counts them, and purchases stay the money the customer paid (RFM's M).
 * - A row without a customer id cannot be attached to anyone: issue `client_required`.
 * - Times without a zone are read as UTC (a workspace has no time zone setting yet).
 * - A customer id written as a float by a spreadsheet (`17850.0`) is the integer `17850`.
 * - No invoice column: each row is a purchase of its own.
 */
import { z } from 'zod';
import { parseWith } from '../client/parse.ts';
import type { FieldIssue, Result } from '../result.ts';
import {
  type DateOrder,
  decisiveDateOrder,
  parseImportDate,
  parseImportNumber,
  slashedDateParts,
} from './cells.ts';
import {
  columnValues,
  compactHeader,
  HEADER_MAX_LENGTH,
  IMPORT_COLUMNS_MAX,
  mappingDateOrder,
  withDateOrder,
  ZDateOrder,
} from './mapping.ts';
import type { ImportIssue } from './row.ts';

export const purchaseFields = [
  'clientExternalId',
  /** The customer's name, used only when the client is created by the import. */
  'clientName',
  'invoice',
  'sku',
  'description',
  'quantity',
  'unitPrice',
  /** The line's (or the whole order's, for one-row orders) total. */
  'amount',
  'date',
  'currency',
  'country',
  'city',
] as const;
export type PurchaseField = (typeof purchaseFields)[number];

/** Fields a purchase mapping must fill: who bought and when. */
export const requiredPurchaseFields = [
  'clientExternalId',
  'date',
] as const satisfies readonly PurchaseField[];
/** One of these must be filled too: a line's money is its unit price or its amount. */
export const purchasePriceFields = ['unitPrice', 'amount'] as const satisfies readonly PurchaseField[];
const requiredMessages: Record<(typeof requiredPurchaseFields)[number], string> = {
  clientExternalId: 'A column with the customer id (clientExternalId) is required',
  date: 'A column with the date is required',
};

export const ZPurchaseColumn = z.strictObject({
  column: z
    .number()
    .int()
    .min(0)
    .max(IMPORT_COLUMNS_MAX - 1),
  header: z.string().max(HEADER_MAX_LENGTH),
  /** Null: the column is ignored. */
  target: z.enum(purchaseFields).nullable(),
  /** How the column's dates are read (`mappingDateOrder`); absent: `dmy`. */
  dateOrder: ZDateOrder.optional(),
});
export type PurchaseColumn = z.infer<typeof ZPurchaseColumn>;

export const ZPurchaseMapping = z
  .array(ZPurchaseColumn)
  .max(IMPORT_COLUMNS_MAX)
  .superRefine((columns, ctx) => {
    const seenColumns = new Set<number>();
    const seenTargets = new Set<PurchaseField>();
    columns.forEach((c, i) => {
      if (seenColumns.has(c.column)) {
        ctx.addIssue({ code: 'custom', path: [i, 'column'], message: `Column ${c.column} is mapped twice` });
      }
      seenColumns.add(c.column);
      if (c.target === null) return;
      if (seenTargets.has(c.target)) {
        ctx.addIssue({ code: 'custom', path: [i, 'target'], message: `Two columns fill ${c.target}` });
      }
      seenTargets.add(c.target);
    });
    const has = (f: PurchaseField) => seenTargets.has(f);
    for (const field of requiredPurchaseFields) {
      if (!has(field)) ctx.addIssue({ code: 'custom', path: [], message: requiredMessages[field] });
    }
    if (!purchasePriceFields.some(has)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'A column with the price (unitPrice) or the amount is required',
      });
    }
  });
export type PurchaseMapping = z.infer<typeof ZPurchaseMapping>;

export const parsePurchaseMapping = (raw: unknown): Result<PurchaseMapping, FieldIssue[]> =>
  parseWith(ZPurchaseMapping, raw);

const purchaseSynonyms: Record<PurchaseField, string[]> = {
  clientExternalId: [
    'customerid',
    'clientid',
    'кодклиента',
    'кодпокупателя',
    'idклиента',
    'idпокупателя',
    'номерклиента',
    'кодконтрагента',
    'внешнийid',
    'externalid',
  ],
  clientName: ['customer', 'customername', 'клиент', 'покупатель', 'контрагент', 'фио'],
  invoice: [
    'invoiceno',
    'invoice',
    'invoicenumber',
    'orderid',
    'orderno',
    'ordernumber',
    'order',
    'номерзаказа',
    'заказ',
    'номерчека',
    'чек',
    'номердокумента',
    'документ',
    'накладная',
    'номернакладной',
  ],
  sku: ['stockcode', 'sku', 'productcode', 'itemcode', 'артикул', 'кодтовара', 'код'],
  description: [
    'description',
    'product',
    'item',
    'productname',
    'товар',
    'наименование',
    'наименованиетовара',
    'номенклатура',
  ],
  quantity: ['quantity', 'qty', 'количество', 'колво', 'кол'],
  unitPrice: ['unitprice', 'price', 'цена', 'ценазаединицу', 'стоимостьединицы'],
  amount: ['amount', 'total', 'sum', 'linetotal', 'сумма', 'итого', 'стоимость', 'суммазаказа'],
  date: [
    'invoicedate',
    'orderdate',
    'date',
    'дата',
    'датазаказа',
    'датапокупки',
    'датачека',
    'датадокумента',
  ],
  currency: ['currency', 'валюта'],
  country: ['country', 'страна'],
  city: ['city', 'town', 'город'],
};

const purchaseTargets = new Map<string, PurchaseField>(
  purchaseFields.flatMap((field) => purchaseSynonyms[field].map((s): [string, PurchaseField] => [s, field])),
);

/** The date order the sample's cells in the date column show, when they are decisive. */
function sampleDateOrder(
  mapping: readonly PurchaseColumn[],
  sample: readonly (readonly string[])[],
): DateOrder | null {
  const dated = mapping.filter((c) => c.target === 'date').map((c) => c.column);
  return decisiveDateOrder(columnValues(sample, dated));
}

/**
 * A target per column from its header (RU and EN), each target given to the first column naming
 * it; the date order from the sample rows' dates (`inferDateOrder`).
 */
export function suggestPurchaseMapping(
  headers: readonly string[],
  sample: readonly (readonly string[])[] = [],
): PurchaseMapping {
  const mapping = purchaseTargetsOf(headers);
  return withDateOrder(mapping, sampleDateOrder(mapping, sample) ?? 'dmy');
}

function purchaseTargetsOf(headers: readonly string[]): PurchaseMapping {
  const taken = new Set<PurchaseField>();
  return headers.slice(0, IMPORT_COLUMNS_MAX).map((fullHeader, column) => {
    const header = fullHeader.slice(0, HEADER_MAX_LENGTH);
    const compact = compactHeader(header.replace(/\([^)]*\)|\[[^\]]*\]/gu, ' '));
    const target = purchaseTargets.get(compact) ?? null;
    if (target === null || taken.has(target)) return { column, header, target: null };
    taken.add(target);
    return { column, header, target };
  });
}

/** One file row as a purchase line, ready to be grouped into purchases. */
export type PurchaseRow = {
  row: number;
  clientExternalId: string;
  clientName: string | null;
  /** Null when the file has no invoice column (or the cell is empty): the row is its own purchase. */
  invoice: string | null;
  /** `yyyy-mm-ddThh:mm:ssZ`. */
  at: string;
  /** ISO 4217; null: the import's default. */
  currency: string | null;
  sku: string | null;
  name: string;
  quantity: number;
  priceKopecks: number;
  /** quantity × price, in minor units (or the amount cell when given). */
  amountKopecks: number;
  country: string | null;
  city: string | null;
};

export type RowToPurchaseResult = {
  line: PurchaseRow | null;
  /** True when the row is a return or cancellation: not an error in the file, but not imported. */
  isReturn: boolean;
  issues: ImportIssue[];
};

const TEXT_MAX = 500;
/**
 * 10 billion in major units per line: far above any real line, and low enough that the sum of a
 * million lines still fits the `bigint` amount column.
 */
const MINOR_UNITS_MAX = 1e12;
const QUANTITY_MAX = 1e9;
const JUNK = /(?![\t\n\r])\p{Cc}|\p{Cs}/u;
const DATE_TIME =
  /^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[./](\d{1,2})[./](\d{4}))[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z)?$/;
const EXCEL_FRACTIONAL = /^(\d{1,7})[.,](\d+)$/;
const FLOAT_INTEGER_ID = /^(\d+)\.0+$/;
const CURRENCY_WORDS = new Map<string, string>([
  ['руб', 'RUB'],
  ['рубль', 'RUB'],
  ['рублей', 'RUB'],
  ['р', 'RUB'],
  ['₽', 'RUB'],
  ['rur', 'RUB'],
  ['$', 'USD'],
  ['€', 'EUR'],
  ['£', 'GBP'],
]);

const pad = (n: number | string) => String(n).padStart(2, '0');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `yyyy-mm-dd` when the parts make a real calendar date (checked by arithmetic: this runs per row). */
function calendarDate(year: string, month: string, day: string): string | null {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const last = m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1];
  if (y < 1 || last === undefined || d < 1 || d > last) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * `2010-12-01 08:26:00`, `01.12.2010 8:26`, a date alone, or an Excel serial with a day fraction
 * → `2010-12-01T08:26:00Z`; null when it is not a real date and time. Slash and dot dates are
 * read in `order` (`12/1/2010 8:26` is 12 January by default, 1 December when `mdy`).
 */
export function parseImportDateTime(text: string, order: DateOrder = 'dmy'): string | null {
  const s = text.trim();
  const m = DATE_TIME.exec(s);
  if (m) {
    const date =
      m[1] !== undefined
        ? calendarDate(m[1], m[2]!, m[3]!)
        : calendarDate(...slashedDateParts(m[4]!, m[5]!, m[6]!, order));
    const hours = Number(m[7]);
    const minutes = Number(m[8]);
    const seconds = Number(m[9] ?? 0);
    if (date === null || hours > 23 || minutes > 59 || seconds > 59) return null;
    return `${date}T${pad(hours)}:${pad(minutes)}:${pad(seconds)}Z`;
  }
  const serial = EXCEL_FRACTIONAL.exec(s);
  if (serial && !/^0+$/.test(serial[2]!)) {
    const date = parseImportDate(serial[1]!);
    if (date === null) return null;
    const totalSeconds = Math.round(Number(`0.${serial[2]}`) * 86_400);
    if (totalSeconds >= 86_400) return null;
    const h = Math.floor(totalSeconds / 3600);
    const mi = Math.floor((totalSeconds % 3600) / 60);
    return `${date}T${pad(h)}:${pad(mi)}:${pad(totalSeconds % 60)}Z`;
  }
  const date = parseImportDate(s, order);
  return date === null ? null : `${date}T00:00:00Z`;
}

/** Money to minor units without binary float drift: `2.55` → 255, `1 234,5` → 123450. */
export function toMinorUnits(value: number): number {
  // 1.005 * 100 is 100.49999999999999: a nudge far below a minor unit puts such values back on
  // the half they were written as, before rounding.
  const scaled = value * 100;
  return Math.round(scaled + (scaled >= 0 ? 1e-7 : -1e-7));
}

function currencyCode(text: string): string | null {
  const lower = text.toLowerCase().replace(/\.$/u, '');
  const word = CURRENCY_WORDS.get(lower);
  if (word) return word;
  return /^[a-z]{3}$/u.test(lower) ? lower.toUpperCase() : null;
}

export type RowToPurchaseOptions = { rowNumber: number };

/**
 * Cheap pre-check by character codes (no Unicode property classes): only a cell holding a control
 * character or a surrogate is checked exactly with `JUNK`.
 */
function mayHoldJunk(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}
const MONEY_SYMBOLS = /[₽$€£]|руб\.?|р\.$/giu;

type Cell = { column: PurchaseColumn; text: string };

/** The row being converted: its cells by target and the issues found so far. */
class PurchaseRowReader {
  readonly issues: ImportIssue[] = [];
  readonly cells = new Map<PurchaseField, Cell>();

  constructor(
    readonly row: number,
    cells: readonly string[],
    mapping: readonly PurchaseColumn[],
  ) {
    for (const column of mapping) {
      if (column.target !== null)
        this.cells.set(column.target, { column, text: (cells[column.column] ?? '').trim() });
    }
  }

  isEmpty(): boolean {
    for (const cell of this.cells.values()) if (cell.text !== '') return false;
    return true;
  }

  issue(field: PurchaseField | null, code: string, message: string): void {
    const cell = field === null ? undefined : this.cells.get(field);
    this.issues.push({
      row: this.row,
      column: cell?.column.column ?? null,
      header: cell?.column.header ?? null,
      value: (cell?.text ?? '').slice(0, 200),
      code,
      message,
    });
  }

  /** The cell's text; null when empty or unreadable (then with an issue). */
  text(field: PurchaseField): string | null {
    const cell = this.cells.get(field);
    if (cell === undefined || cell.text === '') return null;
    if (cell.text.length > TEXT_MAX || (mayHoldJunk(cell.text) && JUNK.test(cell.text))) {
      this.issue(
        field,
        'cell_invalid',
        `${cell.column.header}: not readable text (control characters or too long)`,
      );
      return null;
    }
    return cell.text;
  }

  /** A price or amount: undefined when the cell is empty, null when it is not a usable number. */
  money(field: 'unitPrice' | 'amount'): number | null | undefined {
    const t = this.text(field);
    if (t === null) return undefined;
    const n = parseImportNumber(/^[\d.,]+$/.test(t) ? t : t.replace(MONEY_SYMBOLS, ''));
    if (n === null || n < 0 || Math.abs(n * 100) > MINOR_UNITS_MAX) {
      this.issue(
        field,
        'price_invalid',
        `${field === 'amount' ? 'Amount' : 'Price'} must be a number, not negative`,
      );
      return null;
    }
    return n;
  }
}

/**
 * Converts one row of a purchase file. Never throws: every problem is an issue naming the row,
 * the column and the value; a row with an issue is not imported.
 */
export function rowToPurchaseLine(
  row: readonly string[],
  mapping: readonly PurchaseColumn[],
  options: RowToPurchaseOptions,
): RowToPurchaseResult {
  const r = new PurchaseRowReader(options.rowNumber, row, mapping);
  if (r.isEmpty()) {
    r.issue(null, 'row_empty', 'The row has no values in mapped columns');
    return { line: null, isReturn: false, issues: r.issues };
  }

  const invoice = r.text('invoice');
  const quantityText = r.text('quantity');
  const quantity = quantityText === null ? 1 : parseImportNumber(quantityText);
  if (quantity === null) r.issue('quantity', 'quantity_invalid', 'Quantity must be a number');
  // A return is recognised before anything else is checked: its other cells do not matter.
  const negative = quantity !== null && quantity < 0;
  if (negative || (invoice !== null && (invoice.startsWith('C') || invoice.startsWith('c')))) {
    r.issue(
      negative ? 'quantity' : 'invoice',
      'purchase_return',
      'A return or cancellation: not imported as a purchase',
    );
    return { line: null, isReturn: true, issues: r.issues };
  }
  if (quantity === 0) r.issue('quantity', 'quantity_invalid', 'Quantity must not be zero');
  if (quantity !== null && quantity > QUANTITY_MAX) {
    r.issue(
      'quantity',
      'quantity_invalid',
      `Quantity must not exceed ${QUANTITY_MAX.toLocaleString('en-US')}`,
    );
  }

  const rawId = r.text('clientExternalId');
  const clientExternalId = rawId === null ? null : (FLOAT_INTEGER_ID.exec(rawId)?.[1] ?? rawId);
  if (clientExternalId === null && !r.issues.some((i) => i.code === 'cell_invalid')) {
    r.issue(
      'clientExternalId',
      'client_required',
      'The row has no customer id: it cannot be attached to a client',
    );
  }

  const dateText = r.text('date');
  const dateOrder = r.cells.get('date')?.column.dateOrder;
  const at = dateText === null ? null : parseImportDateTime(dateText, dateOrder);
  if (at === null) {
    r.issue(
      'date',
      dateText === null ? 'date_required' : 'date_format',
      dateOrder === 'mdy'
        ? 'Date must be mm/dd/yyyy or yyyy-mm-dd, optionally with a time hh:mm[:ss] (the file is read month first)'
        : 'Date must be dd.mm.yyyy or yyyy-mm-dd, optionally with a time hh:mm[:ss]',
    );
  }

  const price = r.money('unitPrice');
  const amount = r.money('amount');
  if (price === undefined && amount === undefined) {
    r.issue(
      r.cells.has('unitPrice') ? 'unitPrice' : 'amount',
      'price_required',
      'The row has no price or amount',
    );
  }

  const currencyText = r.text('currency');
  const currency = currencyText === null ? null : currencyCode(currencyText);
  if (currencyText !== null && currency === null) {
    r.issue(
      'currency',
      'currency_invalid',
      'Currency must be a three-letter code (RUB, EUR, GBP) or ₽, $, €, £',
    );
  }

  const sku = r.text('sku');
  const name = r.text('description') ?? sku ?? '';
  const clientName = r.text('clientName');
  const country = r.text('country');
  const city = r.text('city');
  if (
    r.issues.length > 0 ||
    quantity === null ||
    clientExternalId === null ||
    at === null ||
    price === null ||
    amount === null ||
    (price === undefined && amount === undefined)
  ) {
    return { line: null, isReturn: false, issues: r.issues };
  }

  const amountKopecks =
    amount !== undefined ? toMinorUnits(amount) : Math.round(quantity * toMinorUnits(price ?? 0));
  const priceKopecks = price !== undefined ? toMinorUnits(price) : Math.round(amountKopecks / quantity);
  if (amountKopecks > MINOR_UNITS_MAX) {
    r.issue(amount !== undefined ? 'amount' : 'quantity', 'amount_too_large', 'The line total is too large');
    return { line: null, isReturn: false, issues: r.issues };
  }
  return {
    line: {
      row: options.rowNumber,
      clientExternalId,
      clientName,
      invoice,
      at,
      currency,
      sku,
      name,
      quantity,
      priceKopecks,
      amountKopecks,
      country,
      city,
    },
    isReturn: false,
    issues: [],
  };
}

/**
 * A saved purchase mapping applied to a new file of the same origin, whose columns may have moved:
 * a field takes the column whose header matches (as `compactHeader`) the one it had when saved,
 * the first such column; headers the saved mapping does not know get a suggestion, and a known
 * header it left unmapped stays unmapped. Every column of the file is listed (entry N is column
 * N); one column claimed by two fields keeps the first in `purchaseFields` order. The date order
 * is what the new file's sample shows when it is decisive, the saved one otherwise.
 */
export function reusePurchaseMapping(
  saved: readonly PurchaseColumn[],
  headers: readonly string[],
  sample: readonly (readonly string[])[] = [],
): PurchaseMapping {
  const known = new Set(saved.map((c) => compactHeader(c.header)));
  const columnOfField = new Map<PurchaseField, number>();
  for (const c of purchaseTargetsOf(headers)) {
    if (c.target !== null && !known.has(compactHeader(c.header))) columnOfField.set(c.target, c.column);
  }
  const columnOfHeader = new Map<string, number>();
  headers.slice(0, IMPORT_COLUMNS_MAX).forEach((header, column) => {
    const key = compactHeader(header.slice(0, HEADER_MAX_LENGTH));
    if (!columnOfHeader.has(key)) columnOfHeader.set(key, column);
  });
  for (const c of saved) {
    const column = columnOfHeader.get(compactHeader(c.header));
    if (c.target !== null && column !== undefined) columnOfField.set(c.target, column);
  }
  const fieldOfColumn = new Map<number, PurchaseField>();
  for (const field of purchaseFields) {
    const column = columnOfField.get(field);
    if (column !== undefined && !fieldOfColumn.has(column)) fieldOfColumn.set(column, field);
  }
  const mapping = headers.slice(0, IMPORT_COLUMNS_MAX).map(
    (header, column): PurchaseColumn => ({
      column,
      header: header.slice(0, HEADER_MAX_LENGTH),
      target: fieldOfColumn.get(column) ?? null,
    }),
  );
  return withDateOrder(mapping, sampleDateOrder(mapping, sample) ?? mappingDateOrder(saved));
}
