/**
 * Test support for the card's component tests: a signed-in session of a given role, the card's
 * fixture as `clients.get` returns it, and API errors in the shape the server sends them.
 */
import type { Role } from '@cb/domain';
import { TRPCClientError } from '@trpc/client';
import type { ReactNode } from 'react';
import { Route, Routes } from 'react-router';
import { SessionProvider } from '../../app/session.tsx';
import { renderWithProviders } from '../../testing/render.tsx';
import type { ClientCard } from './client-form.ts';

export const CLIENT_ID = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f';
export const OTHER_ID = '11111111-2222-4333-8444-555555555555';
export const USER_ID = '99999999-2222-4333-8444-555555555555';

export function session(role: Role) {
  return {
    user: { id: USER_ID, email: 'olga@example.com', name: 'Ольга' },
    workspace: { id: 'w1', name: 'Демо' },
    role,
    memberships: [],
    via: 'session',
  } as never;
}

/** The screen at its route, inside the signed-in shell's session, with a page to land on after a save. */
export function renderAt(
  ui: ReactNode,
  { route, path, role = 'manager' }: { route: string; path: string; role?: Role },
) {
  return renderWithProviders(
    <SessionProvider value={session(role)}>
      <Routes>
        <Route path={path} element={ui} />
        <Route path="/clients/:id" element={<p>landed on card</p>} />
      </Routes>
    </SessionProvider>,
    { route },
  );
}

export function apiError(message: string, data: Record<string, unknown>) {
  return new TRPCClientError(message, { result: { error: { message, code: -32600, data } } } as never);
}

export function cardFixture(overrides: Partial<ClientCard> = {}): ClientCard {
  const base = {
    id: CLIENT_ID,
    kind: 'person',
    displayName: 'Иванов Иван',
    lastName: 'Иванов',
    firstName: 'Иван',
    patronymic: null,
    birthday: null,
    legalName: null,
    inn: null,
    kpp: null,
    city: 'Тверь',
    address: null,
    tags: [],
    ownerId: USER_ID,
    custom: {},
    externalId: null,
    stage: 'prospect',
    archivedAt: null,
    source: {
      channel: 'referral',
      referrerClientId: OTHER_ID,
      batch: null,
      batches: { items: [], total: 0 },
      referrer: { id: OTHER_ID, displayName: 'Петров Пётр' },
    },
    phones: [
      {
        e164: '+79161234567',
        display: '8 (916) 123-45-67',
        raw: '89161234567',
        type: 'mobile',
        verifiedAt: '2026-01-10T09:00:00.000Z',
      },
    ],
    emails: [{ address: 'ivan@example.com', type: 'work', verifiedAt: null }],
    verifiedAt: null,
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt: '2026-01-02T09:00:00.000Z',
    version: 3,
    consents: {
      ledger: [],
      current: [
        {
          channel: 'email',
          purpose: 'marketing',
          allowed: false,
          reason: 'no_consent',
          at: null,
          text: { ru: 'Нет согласия на маркетинговые письма', en: 'No consent to marketing e-mails' },
        },
      ],
    },
    temperature: {
      level: 'cold',
      levelLabel: { ru: 'Холодная', en: 'Cold' },
      score: 20,
      assessedAt: '2026-03-12T10:00:00.000Z',
      reasons: [
        {
          signal: 'source_channel',
          points: 20,
          detail: {},
          text: { ru: 'Источник «Рекомендация»: +20', en: 'Source “Referral”: +20' },
        },
      ],
    },
    segments: [{ id: 'seg-1', name: 'Новые', enteredAt: '2026-02-01T00:00:00.000Z' }],
    rfm: {
      r: null,
      f: null,
      m: null,
      fm: null,
      group: 'no_purchases',
      label: { ru: 'Без покупок', en: 'No purchases' },
      lastPurchaseAt: null,
      purchaseCount: 0,
      monetaryKopecks: 0,
    },
  };
  return { ...base, ...overrides } as unknown as ClientCard;
}
