/** Expected failures of query functions; the API maps them to tRPC codes in one place. */
export type DbFailure =
  | { code: 'not_found'; entity: string; id: string }
  | {
      code: 'conflict';
      field: string;
      message: string;
      /** The other record that holds the value, so the user can go and look. */
      other?: { entity: string; id: string; name: string };
    }
  | { code: 'stale'; entity: string; id: string; message: string };

export const notFound = (entity: string, id: string): DbFailure => ({ code: 'not_found', entity, id });
