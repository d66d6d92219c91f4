import { vi } from 'vitest';

/** Every procedure the segment screens call, as mocks for `vi.mock` of the API client. */
export function makeApi() {
  return {
    list: vi.fn(),
    get: vi.fn(),
    create: vi.fn(),
    update: vi.fn(),
    preview: vi.fn(),
    members: vi.fn(),
    sizeHistory: vi.fn(),
    membersList: vi.fn(),
    fieldsList: vi.fn(),
  };
}
export type Api = ReturnType<typeof makeApi>;

export function trpcOf(api: Api) {
  return {
    segments: {
      list: { query: api.list },
      get: { query: api.get },
      create: { mutate: api.create },
      update: { mutate: api.update },
      preview: { query: api.preview },
      members: { query: api.members },
      sizeHistory: { query: api.sizeHistory },
    },
    members: { list: { query: api.membersList } },
    fields: { list: { query: api.fieldsList } },
  };
}
