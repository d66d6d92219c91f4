import { parseSegmentRule } from '@cb/domain';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../testing/render.tsx';
import { type CustomFieldDef, RuleBuilder, type WorkspaceMember } from './rule-builder.tsx';
import {
  type DraftGroup,
  draftToRule,
  localDateToInstant,
  newGroup,
  placeIssues,
  ruleToDraft,
  toRootGroup,
} from './rule-draft.ts';

const ownerA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const ownerB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const members: WorkspaceMember[] = [
  {
    userId: ownerA,
    email: 'olga@example.com',
    name: 'Ольга',
    role: 'manager',
    since: '2025-01-01T00:00:00.000Z',
  },
  {
    userId: ownerB,
    email: 'igor@example.com',
    name: 'Игорь',
    role: 'manager',
    since: '2025-01-01T00:00:00.000Z',
  },
];
const customFields = [
  { key: 'visits', label: 'Визиты', type: 'number', options: null, required: false },
  { key: 'size', label: 'Размер', type: 'one_of', options: ['S', 'M', 'L'], required: false },
] as unknown as CustomFieldDef[];

/** The builder with its state held the way the editor holds it, the rule JSON printed beside it. */
function Harness({ initial, disabled }: { initial?: DraftGroup; disabled?: boolean }) {
  const [root, setRoot] = useState<DraftGroup>(initial ?? newGroup('and'));
  const rule = draftToRule(root);
  const parsed = parseSegmentRule(rule);
  return (
    <>
      <RuleBuilder
        root={root}
        onChange={setRoot}
        issues={placeIssues(root, parsed.ok ? [] : parsed.error)}
        members={members}
        customFields={customFields}
        disabled={disabled}
      />
      <pre data-testid="rule">{JSON.stringify(rule)}</pre>
    </>
  );
}

const rule = () => JSON.parse(screen.getByTestId('rule').textContent ?? 'null');
const condition = (n: string) => screen.getByRole('group', { name: `Условие ${n}` });
const addCondition = (to = 'Правило') => screen.getByRole('button', { name: `+ Добавить условие в ${to}` });
const addGroup = (to = 'Правило') => screen.getByRole('button', { name: `+ Добавить группу в ${to}` });

function setup(initial?: DraftGroup, disabled?: boolean) {
  const user = userEvent.setup();
  renderWithProviders(<Harness initial={initial} disabled={disabled} />);
  return user;
}

describe('RuleBuilder', () => {
  it('starts empty (matches everyone) and builds a condition on stage from ticked values', async () => {
    const user = setup();
    expect(rule()).toEqual({ type: 'and', rules: [] });
    expect(screen.getByText('Условий нет — подходят все клиенты.')).toBeTruthy();
    await user.click(addCondition());
    await user.click(within(condition('1')).getByRole('checkbox', { name: 'Ушедший' }));
    await user.click(within(condition('1')).getByRole('checkbox', { name: 'Клиент' }));
    // Kept in the vocabulary's order, not the order they were ticked in.
    expect(rule()).toEqual({
      type: 'and',
      rules: [{ type: 'condition', field: 'stage', op: 'in', values: ['customer', 'lapsed'] }],
    });
  });

  it('nests groups, switches AND/OR and produces the exact tree', async () => {
    const user = setup();
    await user.click(addCondition());
    await user.selectOptions(within(condition('1')).getByLabelText('Поле'), 'temperature');
    await user.click(within(condition('1')).getByRole('checkbox', { name: 'Горячая' }));
    await user.click(addGroup());
    const group = screen.getByRole('group', { name: 'Группа 2' });
    // A group added inside AND starts as OR, with one condition to fill in.
    await user.click(within(condition('2.1')).getByRole('checkbox', { name: 'Клиент' }));
    await user.click(within(group).getByRole('button', { name: '+ Добавить условие в Группа 2' }));
    await user.selectOptions(within(condition('2.2')).getByLabelText('Поле'), 'openTaskCount');
    await user.selectOptions(
      screen.getByRole('combobox', { name: /Как объединять условия — Правило/ }),
      'or',
    );
    expect(rule()).toEqual({
      type: 'or',
      rules: [
        { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] },
        {
          type: 'or',
          rules: [
            { type: 'condition', field: 'stage', op: 'in', values: ['customer'] },
            { type: 'condition', metric: 'openTaskCount', op: 'gt', value: 0 },
          ],
        },
      ],
    });
    await user.selectOptions(
      within(group).getByRole('combobox', { name: /Как объединять условия — Группа 2/ }),
      'and',
    );
    expect(rule().rules[1].type).toBe('and');
  });

  it('wraps a condition in NOT, unwraps it, and removes a NOT with its operand', async () => {
    const user = setup(
      toRootGroup(ruleToDraft({ type: 'condition', field: 'tags', op: 'hasAny', values: ['spam'] })),
    );
    await user.click(screen.getByRole('button', { name: 'Обернуть в НЕ: Условие 1' }));
    expect(rule()).toEqual({
      type: 'and',
      rules: [{ type: 'not', rule: { type: 'condition', field: 'tags', op: 'hasAny', values: ['spam'] } }],
    });
    // Under a NOT the condition has no remove of its own: the NOT carries it.
    expect(screen.queryByRole('button', { name: 'Удалить: Условие 1' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Убрать НЕ: Отрицание 1' }));
    expect(rule().rules[0].type).toBe('condition');
    await user.click(screen.getByRole('button', { name: 'Обернуть в НЕ: Условие 1' }));
    await user.click(screen.getByRole('button', { name: 'Удалить: Отрицание 1' }));
    expect(rule()).toEqual({ type: 'and', rules: [] });
  });

  it('removes a condition and returns focus to its group', async () => {
    const user = setup();
    await user.click(addCondition());
    await user.click(addCondition());
    await user.selectOptions(within(condition('2')).getByLabelText('Поле'), 'verifiedAt');
    await user.click(screen.getByRole('button', { name: 'Удалить: Условие 1' }));
    expect(rule()).toEqual({
      type: 'and',
      rules: [{ type: 'condition', field: 'verifiedAt', op: 'olderThanDays', days: 180 }],
    });
    expect(document.activeElement).toBe(addCondition());
  });

  it('is keyboard-driven: Enter on "add condition" adds one and focuses its field', async () => {
    const user = setup();
    addCondition().focus();
    await user.keyboard('{Enter}');
    const field = within(condition('1')).getByLabelText('Поле');
    expect(document.activeElement).toBe(field);
    await user.selectOptions(field, 'hasConsent');
    await user.selectOptions(within(condition('1')).getByLabelText('Канал'), 'sms');
    await user.selectOptions(within(condition('1')).getByLabelText('Цель'), 'service');
    expect(rule().rules).toEqual([
      { type: 'condition', field: 'hasConsent', channel: 'sms', purpose: 'service' },
    ]);
  });

  it('edits an aggregate with its window and value', async () => {
    const user = setup();
    await user.click(addCondition());
    const c = condition('1');
    await user.selectOptions(within(c).getByLabelText('Поле'), 'purchaseSum');
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'lt');
    await user.clear(within(c).getByLabelText('Значение'));
    await user.type(within(c).getByLabelText('Значение'), '2500.5');
    await user.clear(within(c).getByLabelText('Период, дней'));
    await user.type(within(c).getByLabelText('Период, дней'), '90');
    expect(rule().rules).toEqual([
      { type: 'condition', metric: 'purchaseSum', windowDays: 90, op: 'lt', value: 2500.5 },
    ]);
    await user.selectOptions(within(c).getByLabelText('Период'), 'all');
    expect(within(c).queryByLabelText('Период, дней')).toBeNull();
    expect(rule().rules).toEqual([{ type: 'condition', metric: 'purchaseSum', op: 'lt', value: 2500.5 }]);
  });

  it('narrows interactions by kind and direction, and "never" drops the value', async () => {
    const user = setup();
    await user.click(addCondition());
    const c = condition('1');
    await user.selectOptions(within(c).getByLabelText('Поле'), 'daysSinceLastInteraction');
    await user.selectOptions(within(c).getByLabelText('Тип взаимодействия'), 'meeting');
    await user.selectOptions(within(c).getByLabelText('Направление'), 'outbound');
    expect(rule().rules).toEqual([
      {
        type: 'condition',
        metric: 'daysSinceLastInteraction',
        kind: 'meeting',
        direction: 'outbound',
        op: 'gte',
        value: 30,
      },
    ]);
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'never');
    expect(within(c).queryByLabelText('Значение')).toBeNull();
    expect(rule().rules).toEqual([
      {
        type: 'condition',
        metric: 'daysSinceLastInteraction',
        kind: 'meeting',
        direction: 'outbound',
        op: 'never',
      },
    ]);
  });

  it('takes tags as chips: Enter adds, the chip button removes', async () => {
    const user = setup();
    await user.click(addCondition());
    const c = condition('1');
    await user.selectOptions(within(c).getByLabelText('Поле'), 'tags');
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'hasNone');
    const input = within(c).getByRole('textbox', { name: 'Значения' });
    await user.type(input, 'vip{Enter}  опт {Enter}');
    expect(rule().rules[0]).toEqual({
      type: 'condition',
      field: 'tags',
      op: 'hasNone',
      values: ['vip', 'опт'],
    });
    await user.click(within(c).getByRole('button', { name: 'Удалить «vip»' }));
    expect(rule().rules[0].values).toEqual(['опт']);
  });

  it('picks owners from the workspace members, or "not assigned"', async () => {
    const user = setup();
    await user.click(addCondition());
    const c = condition('1');
    await user.selectOptions(within(c).getByLabelText('Поле'), 'owner');
    await user.click(within(c).getByRole('checkbox', { name: 'Игорь' }));
    expect(rule().rules[0]).toEqual({ type: 'condition', field: 'owner', op: 'in', values: [ownerB] });
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'isEmpty');
    expect(within(c).queryByRole('checkbox')).toBeNull();
    expect(rule().rules[0]).toEqual({ type: 'condition', field: 'owner', op: 'isEmpty' });
  });

  it('types a custom field value by its definition, or as chosen for an unknown key', async () => {
    const user = setup();
    await user.click(addCondition());
    const c = condition('1');
    await user.selectOptions(within(c).getByLabelText('Поле'), 'custom');
    await user.type(within(c).getByLabelText('Ключ поля'), 'visits');
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'gte');
    await user.type(within(c).getByLabelText('Значение'), '3');
    expect(rule().rules[0]).toEqual({
      type: 'condition',
      field: 'custom',
      key: 'visits',
      op: 'gte',
      value: 3,
    });

    await user.clear(within(c).getByLabelText('Ключ поля'));
    await user.type(within(c).getByLabelText('Ключ поля'), 'size');
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'eq');
    await user.selectOptions(within(c).getByLabelText('Значение'), 'M');
    expect(rule().rules[0]).toEqual({
      type: 'condition',
      field: 'custom',
      key: 'size',
      op: 'eq',
      value: 'M',
    });

    await user.clear(within(c).getByLabelText('Ключ поля'));
    await user.type(within(c).getByLabelText('Ключ поля'), 'vip');
    await user.selectOptions(within(c).getByLabelText('Тип значения'), 'boolean');
    await user.selectOptions(within(c).getByLabelText('Значение'), 'false');
    expect(rule().rules[0]).toEqual({
      type: 'condition',
      field: 'custom',
      key: 'vip',
      op: 'eq',
      value: false,
    });
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'isSet');
    expect(rule().rules[0]).toEqual({ type: 'condition', field: 'custom', key: 'vip', op: 'isSet' });
  });

  it('turns a picked day into the instant the operator means', async () => {
    const user = setup();
    await user.click(addCondition());
    const c = condition('1');
    await user.selectOptions(within(c).getByLabelText('Поле'), 'createdAt');
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'before');
    fireEvent.change(within(c).getByLabelText('Дата'), { target: { value: '2025-03-05' } });
    expect(rule().rules[0]).toEqual({
      type: 'condition',
      field: 'createdAt',
      op: 'before',
      at: localDateToInstant('2025-03-05', 'before'),
    });
    expect(new Date(rule().rules[0].at).getTime()).toBe(new Date(2025, 2, 5).getTime());
    await user.selectOptions(within(c).getByLabelText('Оператор'), 'withinLastDays');
    expect(rule().rules[0]).toEqual({
      type: 'condition',
      field: 'createdAt',
      op: 'withinLastDays',
      days: 30,
    });
  });

  it("shows the domain's issues at the offending condition and input, and clears them when fixed", async () => {
    const user = setup();
    await user.click(addCondition());
    await user.click(addCondition());
    const first = condition('1');
    expect(within(first).getByText('Выберите хотя бы одно значение')).toBeTruthy();

    const second = condition('2');
    await user.selectOptions(within(second).getByLabelText('Поле'), 'purchaseCount');
    const value = within(second).getByLabelText('Значение');
    await user.clear(value);
    expect(within(second).getByText('Заполните значение')).toBeTruthy();
    expect(value.getAttribute('aria-invalid')).toBe('true');
    const describedBy = value.getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(describedBy)?.textContent).toContain('Заполните значение');
    await user.type(value, '1.5');
    expect(within(second).getByText('Введите целое число')).toBeTruthy();
    // Each message sits at its own condition only.
    expect(within(first).queryByText('Введите целое число')).toBeNull();

    await user.clear(value);
    await user.type(value, '2');
    await user.click(within(first).getByRole('checkbox', { name: 'Потенциальный' }));
    expect(document.querySelectorAll('.rb-issues')).toHaveLength(0);
    expect(parseSegmentRule(rule()).ok).toBe(true);
  });

  it('shows a stored rule, and a viewer cannot change it', () => {
    setup(
      toRootGroup(
        ruleToDraft({
          type: 'and',
          rules: [
            { type: 'condition', field: 'stage', op: 'in', values: ['customer', 'lapsed'] },
            { type: 'condition', metric: 'daysSinceLastPurchase', op: 'gte', value: 90 },
          ],
        }),
      ),
      true,
    );
    expect(within(condition('1')).getByRole('checkbox', { name: 'Клиент' })).toHaveProperty('checked', true);
    expect(within(condition('2')).getByLabelText('Значение')).toHaveProperty('value', '90');
    for (const control of [...screen.getAllByRole('button'), ...screen.getAllByRole('combobox')]) {
      expect(control).toHaveProperty('disabled', true);
    }
  });
});
