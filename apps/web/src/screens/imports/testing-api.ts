import { vi } from 'vitest';

/** Every procedure the import screens call, as mocks for `vi.mock` of the API client. */
export function makeImportsApi() {
  return {
    get: vi.fn(),
    status: vi.fn(),
    list: vi.fn(),
    mappings: vi.fn(),
    setMapping: vi.fn(),
    applyMapping: vi.fn(),
    dryRun: vi.fn(),
    start: vi.fn(),
    undo: vi.fn(),
    fields: vi.fn(),
  };
}
export type ImportsApiMock = ReturnType<typeof makeImportsApi>;

export function trpcOf(api: ImportsApiMock) {
  return {
    imports: {
      get: { query: api.get },
      status: { query: api.status },
      list: { query: api.list },
      mappings: { query: api.mappings },
      setMapping: { mutate: api.setMapping },
      applyMapping: { mutate: api.applyMapping },
      dryRun: { mutate: api.dryRun },
      start: { mutate: api.start },
      undo: { mutate: api.undo },
    },
    fields: { list: { query: api.fields } },
  };
}
