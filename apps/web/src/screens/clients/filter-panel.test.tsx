import { label } from '@cb/domain/ui';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { FilterPanel } from './filter-panel.tsx';
import { type ClientFilterInput, emptyFilter, type FilterState, filterStateToInput } from './filters.ts';

const members = [
  { userId: '11111111-1111-4111-8111-111111111111', name: 'Ольга Демидова', email: 'olga@example.ru' },
  { userId: '22222222-2222-4222-8222-222222222222', name: '', email: 'igor@example.ru' },
];
const segments = [{ id: '33333333-3333-4333-8333-333333333333', name: 'VIP Москва' }];

/** The panel as the screen uses it: state kept outside, every change mapped to the API's filter input. */
const batches = [
  { id: '44444444-4444-4444-8444-444444444444', name: 'База «Бизнес-контакты 2026»', clientCount: 183 },
];

function setup(initial: FilterState = emptyFilter, withBatches = false) {
  const inputs: (ClientFilterInput | undefined)[] = [];
  function Harness() {
    const [state, setState] = useState(initial);
    return (
      <FilterPanel
        value={state}
        onChange={(next) => {
          setState(next);
          inputs.push(filterStateToInput(next));
        }}
        members={members}
        segments={segments}
        batches={withBatches ? batches : undefined}
      />
    );
  }
  render(<Harness />);
  return { user: userEvent.setup(), last: () => inputs.at(-1), inputs };
}

describe('FilterPanel', () => {
  it('offers the purchased lists and imports as a batch select', async () => {
    const { user, last } = setup(emptyFilter, true);
    const batch = screen.getByLabelText('Партия');
    await user.selectOptions(batch, 'База «Бизнес-контакты 2026» (183)');
    expect(last()).toEqual({ batchId: batches[0]!.id });
    await user.selectOptions(batch, 'Любая партия');
    expect(last()).toBeUndefined();
  });

  it('keeps a batch known only from a link as an option of its own', () => {
    setup({ ...emptyFilter, batchId: '55555555-5555-4555-8555-555555555555' }, true);
    const batch = screen.getByLabelText('Партия') as HTMLSelectElement;
    expect(batch.value).toBe('55555555-5555-4555-8555-555555555555');
  });

  it('maps checkboxes to the stage, temperature and source filters, in vocabulary order', async () => {
    const { user, last } = setup();
    const stage = screen.getByText('Стадия', { selector: 'legend' }).parentElement!;
    await user.click(within(stage).getByLabelText(label('stage', 'lapsed', 'ru')));
    await user.click(within(stage).getByLabelText(label('stage', 'prospect', 'ru')));
    await user.click(screen.getByLabelText(label('temperatureLevel', 'hot', 'ru')));
    const source = screen.getByText('Источник', { selector: 'legend' }).parentElement!;
    await user.click(within(source).getByLabelText(label('sourceChannel', 'referral', 'ru')));
    expect(last()).toEqual({
      stage: ['prospect', 'lapsed'],
      temperature: ['hot'],
      sourceChannel: ['referral'],
    });

    await user.click(within(stage).getByLabelText(label('stage', 'prospect', 'ru')));
    expect(last()).toEqual({ stage: ['lapsed'], temperature: ['hot'], sourceChannel: ['referral'] });
  });

  it('maps the owner select: a member, nobody, or anyone', async () => {
    const { user, last } = setup();
    const owner = screen.getByLabelText('Ответственный');
    // A member without a name is shown by e-mail.
    await user.selectOptions(owner, 'igor@example.ru');
    expect(last()).toEqual({ ownerId: members[1]!.userId });
    await user.selectOptions(owner, 'Без ответственного');
    expect(last()).toEqual({ ownerId: null });
    await user.selectOptions(owner, 'Любой');
    expect(last()).toBeUndefined();
  });

  it('maps segment, consent and archived', async () => {
    const { user, last } = setup();
    await user.selectOptions(screen.getByLabelText('Сегмент или список'), 'VIP Москва');
    const consent = `${label('contactChannel', 'sms', 'ru')}: ${label('consentPurpose', 'marketing', 'ru')}`;
    await user.selectOptions(screen.getByLabelText('Согласие'), consent);
    await user.click(screen.getByLabelText('Показывать архивных'));
    expect(last()).toEqual({
      segmentId: segments[0]!.id,
      consent: { channel: 'sms', purpose: 'marketing' },
      includeArchived: true,
    });
  });

  it('adds tags one at a time (Enter or the button) and removes them', async () => {
    const { user, last } = setup();
    const tag = screen.getByLabelText('Тег');
    await user.type(tag, '  vip {Enter}');
    await user.type(tag, 'опт');
    await user.click(screen.getByRole('button', { name: 'Добавить тег' }));
    // The same tag again changes nothing.
    await user.type(tag, 'vip{Enter}');
    expect(last()).toEqual({ tags: ['vip', 'опт'] });
    expect(tag).toHaveProperty('value', '');

    await user.click(screen.getByRole('button', { name: 'Убрать тег «vip»' }));
    expect(last()).toEqual({ tags: ['опт'] });
  });

  it('applies the city once typing pauses, trimmed, as one change', async () => {
    const { user, last, inputs } = setup();
    await user.type(screen.getByLabelText('Город'), ' Казань');
    expect(inputs).toHaveLength(0);
    await waitFor(() => expect(last()).toEqual({ city: 'Казань' }));
    expect(inputs).toHaveLength(1);
  });

  it('applies the city at once on Enter, and clears it', async () => {
    const { user, last } = setup({ ...emptyFilter, city: 'Тверь' });
    const city = screen.getByLabelText('Город');
    expect(city).toHaveProperty('value', 'Тверь');
    await user.clear(city);
    await user.type(city, 'Москва{Enter}');
    expect(last()).toEqual({ city: 'Москва' });
  });

  it('shows a batch condition from a link and removes it; reset clears everything', async () => {
    const batchId = '44444444-4444-4444-8444-444444444444';
    const { user, last } = setup({ ...emptyFilter, batchId, temperature: ['cold'] });
    expect(screen.getByText('Партия 44444444…')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Убрать условие по партии' }));
    expect(last()).toEqual({ temperature: ['cold'] });
    await user.click(screen.getByLabelText(label('temperatureLevel', 'warm', 'ru')));
    expect(last()).toEqual({ temperature: ['cold', 'warm'] });
    await user.click(screen.getByRole('button', { name: 'Сбросить фильтры' }));
    expect(last()).toBeUndefined();
    expect(screen.getByLabelText(label('temperatureLevel', 'cold', 'ru'))).toHaveProperty('checked', false);
  });

  it('reflects a state set from outside (a chosen view)', () => {
    setup({ ...emptyFilter, owner: { id: members[0]!.userId }, stage: ['customer'] });
    expect(screen.getByLabelText('Ответственный')).toHaveProperty('value', members[0]!.userId);
    expect(screen.getByLabelText(label('stage', 'customer', 'ru'))).toHaveProperty('checked', true);
  });
});
