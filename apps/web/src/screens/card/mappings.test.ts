import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { i18next } from '../../i18n/index.ts';
import { type ConsentFormState, toConsentInput } from './consents.tsx';
import { isStale, readProblem, translatedFields, unplacedIssues } from './problems.ts';
import { toInteractionInput, toPaymentInput, toPurchaseInput, toTaskInput } from './quick-add.tsx';
import { localInputToIso, toLocalInput } from './time.ts';

const clientId = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f';

function apiError(message: string, data: Record<string, unknown>) {
  return new TRPCClientError(message, { result: { error: { message, code: -32600, data } } } as never);
}

describe('time', () => {
  it('round-trips local wall time to an ISO instant with an offset', () => {
    const local = toLocalInput(new Date(2026, 2, 12, 14, 5));
    expect(local).toBe('2026-03-12T14:05');
    expect(localInputToIso(local)).toBe(new Date(2026, 2, 12, 14, 5).toISOString());
    expect(localInputToIso(local)).toMatch(/Z$/);
  });
  it.each(['', '  ', 'not a date'])('sends %j as empty, for the server to name the field', (v) => {
    expect(localInputToIso(v)).toBe('');
  });
});

describe('quick-add inputs', () => {
  const at = '2026-03-12T14:05';
  const iso = new Date(2026, 2, 12, 14, 5).toISOString();

  it('purchase: the amount as typed in roubles, spaces dropped, an empty note left out', () => {
    expect(toPurchaseInput(clientId, { at, amount: '1 234,50', note: ' ' })).toEqual({
      clientId,
      at: iso,
      amount: '1234,50',
    });
    expect(toPurchaseInput(clientId, { at, amount: '1234.50', note: 'Диван' })).toEqual({
      clientId,
      at: iso,
      amount: '1234.50',
      note: 'Диван',
    });
  });

  it('payment: linked to a purchase only when one is picked', () => {
    expect(toPaymentInput(clientId, { at, amount: '500', method: 'карта', purchaseId: '' })).toEqual({
      clientId,
      at: iso,
      amount: '500',
      method: 'карта',
    });
    expect(toPaymentInput(clientId, { at, amount: '500', method: '', purchaseId: 'p1' })).toEqual({
      clientId,
      at: iso,
      amount: '500',
      purchaseId: 'p1',
    });
  });

  it('interaction: direction and summary only when given', () => {
    expect(toInteractionInput(clientId, { kind: 'note', direction: '', at, summary: '' })).toEqual({
      clientId,
      kind: 'note',
      at: iso,
    });
    expect(
      toInteractionInput(clientId, { kind: 'call', direction: 'inbound', at, summary: ' Перезвонит ' }),
    ).toEqual({ clientId, kind: 'call', at: iso, direction: 'inbound', summary: 'Перезвонит' });
  });

  it('task: due date and assignee only when given', () => {
    expect(toTaskInput(clientId, { title: 'Позвонить', dueAt: '', assigneeId: '' })).toEqual({
      clientId,
      title: 'Позвонить',
    });
    expect(toTaskInput(clientId, { title: 'Позвонить', dueAt: at, assigneeId: 'u1' })).toEqual({
      clientId,
      title: 'Позвонить',
      dueAt: iso,
      assigneeId: 'u1',
    });
  });
});

describe('consent input', () => {
  const base: ConsentFormState = {
    channel: 'sms',
    purpose: 'marketing',
    granted: false,
    at: '',
    proofKind: 'verbal',
    formId: 'f',
    url: '',
    ip: '',
    batchId: '',
    documentRef: '',
    managerName: 'Ольга',
    note: '',
  };
  it('sends only the proof fields of the chosen kind, and no time for "now"', () => {
    expect(toConsentInput(clientId, base)).toEqual({
      clientId,
      channel: 'sms',
      purpose: 'marketing',
      granted: false,
      proof: { kind: 'verbal', managerName: 'Ольга' },
    });
  });
  it.each([
    [
      { proofKind: 'web_form' as const, url: 'https://x.ru', ip: '10.0.0.1' },
      { kind: 'web_form', formId: 'f', url: 'https://x.ru', ip: '10.0.0.1' },
    ],
    [
      { proofKind: 'signed_paper' as const, documentRef: '№ 12' },
      { kind: 'signed_paper', documentRef: '№ 12' },
    ],
    [
      { proofKind: 'import_batch' as const, batchId: ` ${clientId}` },
      { kind: 'import_batch', batchId: clientId },
    ],
  ])('%j → proof %j', (patch, proof) => {
    expect(toConsentInput(clientId, { ...base, ...patch }).proof).toEqual(proof);
  });
});

describe('problems', () => {
  const t = i18next.getFixedT('ru');

  it('reads field issues with their codes, translated, each at its path', () => {
    const problem = readProblem(
      apiError('phones.0.number: Not a valid phone number: 123; inn: INN …', {
        code: 'BAD_REQUEST',
        issues: [
          { field: 'phones.0.number', code: 'phone_invalid', message: 'Not a valid phone number: 123' },
          { field: 'inn', code: 'inn_checksum', message: 'INN 7707083894 has a wrong check digit' },
          { field: 'amount', code: 'custom', message: 'An amount in roubles…' },
          { field: 'weird', code: 'no_such_code', message: 'Left as the API said it' },
        ],
      }),
    );
    expect(translatedFields(t, problem)).toEqual({
      'phones.0.number': 'Это не похоже на действующий номер телефона',
      inn: 'В ИНН ошибка: не сходится контрольная цифра',
      amount: expect.stringContaining('Сумма в рублях'),
      weird: 'Left as the API said it',
    });
    expect(unplacedIssues(problem, ['phones', 'inn', 'amount']).map((i) => i.field)).toEqual(['weird']);
  });

  it('puts a duplicate-phone conflict at its row, naming the other client', () => {
    const problem = readProblem(
      apiError('Phone +79161234567 already belongs to Петров Пётр', {
        code: 'CONFLICT',
        conflict: {
          field: 'phones.0.number',
          other: { entity: 'client', id: clientId, name: 'Петров Пётр' },
        },
      }),
    );
    expect(translatedFields(t, problem)).toEqual({
      'phones.0.number': 'Этот номер уже принадлежит клиенту «Петров Пётр»',
    });
    expect(problem?.conflict?.other?.id).toBe(clientId);
    expect(isStale(problem)).toBe(false);
  });

  it('tells a stale version apart and puts it at no field', () => {
    const problem = readProblem(
      apiError('The client was changed meanwhile', {
        code: 'CONFLICT',
        conflict: { field: 'expectedVersion', other: null },
      }),
    );
    expect(isStale(problem)).toBe(true);
    expect(translatedFields(t, problem)).toEqual({});
  });

  it('reads a network failure as one', () => {
    expect(readProblem(new TypeError('Failed to fetch'))).toEqual({
      code: 'NETWORK',
      message: 'Failed to fetch',
      issues: [],
      conflict: null,
    });
    expect(readProblem(null)).toBeNull();
  });
});
