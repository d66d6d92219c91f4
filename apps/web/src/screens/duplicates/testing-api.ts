import { vi } from 'vitest';

/** Every procedure the duplicates screen calls, as mocks for `vi.mock` of the API client. */
export function makeDuplicatesApi() {
  return {
    scan: vi.fn(),
    list: vi.fn(),
    merge: vi.fn(),
    unmerge: vi.fn(),
    dismiss: vi.fn(),
    merges: vi.fn(),
  };
}
export type DuplicatesApiMock = ReturnType<typeof makeDuplicatesApi>;

export function trpcOf(api: DuplicatesApiMock) {
  return {
    duplicates: {
      scan: { mutate: api.scan },
      list: { query: api.list },
      merge: { mutate: api.merge },
      unmerge: { mutate: api.unmerge },
      dismiss: { mutate: api.dismiss },
      merges: { query: api.merges },
    },
  };
}
