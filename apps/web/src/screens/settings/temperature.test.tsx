import {
  defaultTemperaturePolicy,
  type PolicyChangePreview,
  type Role,
  type TemperaturePolicy,
} from '@cb/domain';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TRPCClientError } from '@trpc/client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type Me, SessionProvider } from '../../app/session.tsx';
import { renderWithProviders } from '../../testing/render.tsx';
import { TemperatureTab } from './temperature.tsx';

const api = vi.hoisted(() => ({
  getPolicy: vi.fn(),
  previewPolicy: vi.fn(),
  setPolicy: vi.fn(),
}));

vi.mock('../../api/trpc.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../api/trpc.ts')>();
  return {
    ...actual,
    trpc: {
      temperature: {
        getPolicy: { query: api.getPolicy },
        previewPolicy: { query: api.previewPolicy },
        setPolicy: { mutate: api.setPolicy },
      },
    },
  };
});

function session(role: Role): Me {
  return {
    user: { id: '00000000-0000-4000-8000-000000000001', email: 'a@example.com', name: 'Анна' },
    workspace: { id: '00000000-0000-4000-8000-00000000000a', name: 'Ромашка' },
    role,
    memberships: [],
    via: 'session',
  } as unknown as Me;
}

const preview: PolicyChangePreview = {
  total: 100,
  changed: 7,
  before: { cold: 50, warm: 30, hot: 20 },
  after: { cold: 43, warm: 37, hot: 20 },
  moves: {
    cold: { cold: 43, warm: 7, hot: 0 },
    warm: { cold: 0, warm: 30, hot: 0 },
    hot: { cold: 0, warm: 0, hot: 20 },
  },
};

function renderTab(
  role: Role = 'admin',
  saved: TemperaturePolicy = defaultTemperaturePolicy,
  isDefault = true,
) {
  api.getPolicy.mockResolvedValue({ policy: saved, isDefault, defaults: defaultTemperaturePolicy });
  return renderWithProviders(
    <SessionProvider value={session(role)}>
      <TemperatureTab />
    </SessionProvider>,
  );
}

function lastPreviewedPolicy(): TemperaturePolicy | undefined {
  const input = api.previewPolicy.mock.lastCall?.[0] as { policy: TemperaturePolicy } | undefined;
  return input?.policy;
}

/** The error shown next to an input, through its aria-describedby. */
function describedErrors(input: HTMLElement): string[] {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids
    .map((id) => document.getElementById(id))
    .filter((el): el is HTMLElement => el?.classList.contains('field-error') ?? false)
    .map((el) => el.textContent ?? '');
}

beforeEach(() => {
  vi.clearAllMocks();
  api.previewPolicy.mockResolvedValue(preview);
});

describe('temperature policy editor', () => {
  it('fills one labelled input per setting from the saved policy, with units and defaults', async () => {
    renderTab();
    const warm = await screen.findByLabelText('Порог тёплой');
    expect(warm).toHaveProperty('value', '35');
    expect((screen.getByLabelText('Полный вес при сумме') as HTMLInputElement).value).toBe('100000');
    expect((screen.getByLabelText('Купленная база') as HTMLInputElement).value).toBe('-15');
    expect((screen.getByLabelText('Переговоры') as HTMLInputElement).value).toBe('30');
    expect(warm.getAttribute('aria-describedby')).toBeTruthy();
    const descriptions = (warm.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent);
    expect(descriptions).toContain('баллов');
    expect(descriptions).toContain('по умолчанию 35');
    expect(screen.getByText('Действует политика по умолчанию')).toBeTruthy();
  });

  it('asks for a preview of the edited policy once typing settles, and shows it', async () => {
    const user = userEvent.setup();
    renderTab();
    const warm = await screen.findByLabelText('Порог тёплой');
    await waitFor(() => expect(api.previewPolicy).toHaveBeenCalled());
    expect(lastPreviewedPolicy()).toEqual(defaultTemperaturePolicy);

    await user.clear(warm);
    await user.type(warm, '28');
    await waitFor(() => expect(lastPreviewedPolicy()?.warmFrom).toBe(28));
    expect(lastPreviewedPolicy()).toEqual({ ...defaultTemperaturePolicy, warmFrom: 28 });
    // debounced: the half-typed "2" never went to the server
    expect(api.previewPolicy.mock.calls.some(([input]) => input.policy.warmFrom === 2)).toBe(false);
    expect(await screen.findByText('7 клиентов из 100 сменят температуру.')).toBeTruthy();
  });

  it('shows a client-side error next to its input, refuses to save and skips the preview', async () => {
    const user = userEvent.setup();
    renderTab();
    const warm = await screen.findByLabelText('Порог тёплой');
    await waitFor(() => expect(api.previewPolicy).toHaveBeenCalledTimes(1));

    await user.clear(warm);
    await user.type(warm, '70');
    expect(warm.getAttribute('aria-invalid')).toBe('true');
    expect(describedErrors(warm)).toEqual(['Порог тёплой должен быть ниже порога горячей (65)']);
    expect(screen.getByTestId('policy-invalid').textContent).toBe('Исправьте 1 поле, чтобы сохранить');
    expect(await screen.findByText('Исправьте ошибки в полях, чтобы увидеть предпросмотр.')).toBeTruthy();

    const hot = screen.getByLabelText('Порог горячей');
    hot.focus();
    await user.click(screen.getByRole('button', { name: 'Сохранить политику' }));
    expect(api.setPolicy).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(warm);

    await user.clear(hot);
    await user.type(hot, 'abc');
    expect(describedErrors(hot)).toEqual(['Введите число']);
    await user.clear(hot);
    await user.type(hot, '100.5');
    expect(describedErrors(hot)).toEqual(['Целое число от 1 до 100']);
    // no preview was asked for any invalid state
    expect(api.previewPolicy.mock.calls.every(([input]) => input.policy.warmFrom === 35)).toBe(true);
  });

  it('saves the parsed policy and reports it', async () => {
    const user = userEvent.setup();
    api.setPolicy.mockImplementation(async ({ policy }) => ({ policy, isDefault: false }));
    renderTab();
    // the server then holds what was saved
    api.setPolicy.mockImplementation(async ({ policy }) => {
      api.getPolicy.mockResolvedValue({ policy, isDefault: false, defaults: defaultTemperaturePolicy });
      return { policy, isDefault: false };
    });
    const sum = await screen.findByLabelText('Полный вес при сумме');
    const save = screen.getByRole('button', { name: 'Сохранить политику' });
    expect(save).toHaveProperty('disabled', true);

    await user.clear(sum);
    await user.type(sum, '50000,5');
    await user.clear(screen.getByLabelText('Полураспад входящего обращения'));
    await user.click(save);

    await waitFor(() => expect(api.setPolicy).toHaveBeenCalledTimes(1));
    expect(api.setPolicy.mock.calls[0]?.[0]).toEqual({
      policy: {
        ...defaultTemperaturePolicy,
        purchaseSum: { ...defaultTemperaturePolicy.purchaseSum, fullAtKopecks: 5_000_050 },
        inbound: { ...defaultTemperaturePolicy.inbound, halfLifeDays: null },
      },
    });
    expect(await screen.findByText(/Политика сохранена/)).toBeTruthy();
    expect((screen.getByLabelText('Полный вес при сумме') as HTMLInputElement).value).toBe('50000.5');
    await waitFor(() => expect(api.getPolicy).toHaveBeenCalledTimes(2));
    expect(screen.getByText('Действует собственная политика рабочего пространства')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Сохранить политику' })).toHaveProperty('disabled', true);
  });

  it('puts a server field error (policy.hotFrom) next to its input', async () => {
    const user = userEvent.setup();
    api.setPolicy.mockRejectedValue(
      TRPCClientError.from({
        error: {
          code: -32600,
          message: 'policy.hotFrom: refused',
          data: {
            code: 'BAD_REQUEST',
            httpStatus: 400,
            issues: [{ field: 'policy.hotFrom', message: 'Слишком высоко для этого пространства' }],
          },
        },
      }),
    );
    renderTab();
    const hot = await screen.findByLabelText('Порог горячей');
    await user.clear(hot);
    await user.type(hot, '90');
    await user.click(screen.getByRole('button', { name: 'Сохранить политику' }));
    await waitFor(() => expect(describedErrors(hot)).toEqual(['Слишком высоко для этого пространства']));
    expect(hot.getAttribute('aria-invalid')).toBe('true');
    // the field carries it, so no general error line repeats it
    expect(screen.queryByText('policy.hotFrom: refused')).toBeNull();

    // editing clears the server's verdict
    await user.type(hot, '{Backspace}5');
    expect((hot as HTMLInputElement).value).toBe('95');
    expect(describedErrors(hot)).toEqual([]);
  });

  it('shows a refusal without a field (e.g. FORBIDDEN) as a form error', async () => {
    const user = userEvent.setup();
    api.setPolicy.mockRejectedValue(
      TRPCClientError.from({
        error: {
          code: -32603,
          message: 'Your role may not do this',
          data: { code: 'FORBIDDEN', httpStatus: 403 },
        },
      }),
    );
    renderTab();
    const warm = await screen.findByLabelText('Порог тёплой');
    await user.clear(warm);
    await user.type(warm, '30');
    await user.click(screen.getByRole('button', { name: 'Сохранить политику' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Your role may not do this');
  });

  it('restores the defaults into the form and discards back to the saved policy', async () => {
    const user = userEvent.setup();
    const custom: TemperaturePolicy = { ...defaultTemperaturePolicy, warmFrom: 40, hotFrom: 70 };
    renderTab('owner', custom, false);
    const warm = await screen.findByLabelText('Порог тёплой');
    expect((warm as HTMLInputElement).value).toBe('40');
    expect(screen.getByText('Действует собственная политика рабочего пространства')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Вернуть значения по умолчанию' }));
    expect((warm as HTMLInputElement).value).toBe('35');
    expect((screen.getByLabelText('Порог горячей') as HTMLInputElement).value).toBe('65');
    await waitFor(() => expect(lastPreviewedPolicy()).toEqual(defaultTemperaturePolicy));
    expect(screen.getByRole('button', { name: 'Вернуть значения по умолчанию' })).toHaveProperty(
      'disabled',
      true,
    );

    await user.click(screen.getByRole('button', { name: 'Отменить изменения' }));
    expect((warm as HTMLInputElement).value).toBe('40');
    expect(screen.getByRole('button', { name: 'Сохранить политику' })).toHaveProperty('disabled', true);
  });

  it('lets a non-admin try values and see the preview, but not save', async () => {
    const user = userEvent.setup();
    renderTab('manager');
    const warm = await screen.findByLabelText('Порог тёплой');
    expect(screen.queryByRole('button', { name: 'Сохранить политику' })).toBeNull();
    expect(screen.getByTestId('policy-read-only').textContent).toMatch(/только администраторы/);
    await user.clear(warm);
    await user.type(warm, '30');
    await waitFor(() => expect(lastPreviewedPolicy()?.warmFrom).toBe(30));
    const side = screen.getByRole('complementary');
    expect(within(side).getByRole('status').textContent).toContain('7 клиентов из 100');
  });

  it('shows the load error with a retry', async () => {
    api.getPolicy.mockRejectedValueOnce(
      TRPCClientError.from({
        error: {
          code: -32603,
          message: 'Database is away',
          data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 },
        },
      }),
    );
    renderWithProviders(
      <SessionProvider value={session('admin')}>
        <TemperatureTab />
      </SessionProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toContain('Database is away');
    api.getPolicy.mockResolvedValue({
      policy: defaultTemperaturePolicy,
      isDefault: true,
      defaults: defaultTemperaturePolicy,
    });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByLabelText('Порог тёплой')).toBeTruthy();
  });
});
