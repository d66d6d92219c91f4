import type { BatchKind, PhoneType } from '@cb/domain/vocabulary';
import type { ApiProblem, WireIssue } from '../../api/errors.ts';
import { trpc } from '../../api/trpc.ts';

/*
 * The import API as the screens use it: the contract of issue #5, written out here so the screens
 * compile while the router is built; `importsApi` is the only place that reaches `trpc.imports`.
 * Once the router lands, these types can be replaced by `Outputs['imports'][…]`.
 */

export const importFieldKeys = [
  'fullName',
  'lastName',
  'firstName',
  'patronymic',
  'birthday',
  'legalName',
  'inn',
  'kpp',
  'city',
  'address',
  'tags',
  'externalId',
] as const;
export type ImportFieldKey = (typeof importFieldKeys)[number];

export type ImportTarget =
  | { kind: 'field'; field: ImportFieldKey }
  | { kind: 'phone'; type?: PhoneType }
  | { kind: 'email' }
  | { kind: 'custom'; key: string };

export type ImportColumn = { column: number; header: string; target: ImportTarget | null };

export type ImportStatus = 'uploaded' | 'queued' | 'running' | 'completed' | 'failed' | 'undoing' | 'undone';

/** Statuses in which a worker is busy with the import: the screen asks for progress each second. */
export const activeStatuses: readonly ImportStatus[] = ['queued', 'running', 'undoing'];
export const isActive = (status: ImportStatus) => activeStatuses.includes(status);

export type ImportSource = {
  batchKind: BatchKind;
  name: string;
  vendor?: string | null | undefined;
  costKopecks?: number | null | undefined;
  acquiredOn?: string | null | undefined;
};

export const matchKeys = ['externalId', 'phone', 'email', 'fuzzy'] as const;
export type MatchKey = (typeof matchKeys)[number];
export const duplicateActions = ['skip', 'fill', 'overwrite', 'create'] as const;
export type DuplicateAction = (typeof duplicateActions)[number];
export type DuplicatePolicy = { matchBy: MatchKey[]; action: DuplicateAction };

export type ImportCounts = {
  rowsDone: number;
  created: number;
  updated: number;
  duplicates: number;
  invalid: number;
};
export type ImportProgress = {
  rowsDone: number;
  totalRows: number | null;
  bytesDone: number;
  fileSize: number;
  fraction: number | null;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
};

export type RowIssue = {
  row: number;
  column: number | null;
  header: string | null;
  value: string | null;
  code: string;
  message: string;
};

export type PreviewClient = {
  displayName: string;
  kind: 'person' | 'company';
  phones: string[];
  emails: string[];
  birthday: string | null;
  city: string | null;
};

export type DryRun = {
  rowsChecked: number;
  totalRows: number | null;
  complete: boolean;
  counts: { create: number; update: number; duplicate: number; invalid: number; partial: number };
  preview: {
    row: number;
    action: 'create' | 'update' | 'skip' | 'invalid';
    client: PreviewClient | null;
    matchedClient: { id: string; displayName: string } | null;
    matchedBy: string | null;
    issues: RowIssue[];
  }[];
  errorCount: number;
};

/** `reason`: `edited_since` or `merged` (translated on screen; an unknown code is shown as is). */
export type UndoReport = {
  kept: { clientId: string; displayName: string; reason: string }[];
  deleted?: number;
  restored?: number;
};

export type ImportView = {
  id: string;
  kind: string;
  fileName: string;
  fileSize: number;
  status: ImportStatus;
  file: {
    format: string;
    encoding: string | null;
    delimiter: string | null;
    sheet: string | null;
    sheets: string[];
  };
  headers: string[];
  sample: string[][];
  mapping: ImportColumn[];
  source: ImportSource | null;
  allowPartialRows: boolean;
  duplicatePolicy: DuplicatePolicy | null;
  batchId: string | null;
  totalRows: number | null;
  counts: ImportCounts;
  progress: ImportProgress;
  dryRun: DryRun | null;
  error: { code: string; message: string } | null;
  undoReport: UndoReport | null;
  errorCount: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export type ImportStatusView = Pick<
  ImportView,
  'id' | 'status' | 'counts' | 'progress' | 'error' | 'undoReport'
>;

export type ImportListItem = Pick<
  ImportView,
  'id' | 'fileName' | 'status' | 'counts' | 'createdAt' | 'finishedAt' | 'source' | 'batchId'
>;

export type SavedMapping = { id: string; name: string; headers: string[]; mapping: ImportColumn[] };

export type SetMappingInput = {
  id: string;
  mapping: ImportColumn[];
  source?: ImportSource;
  allowPartialRows?: boolean;
  saveAs?: string;
};

type ImportsClient = {
  get: { query: (input: { id: string }) => Promise<ImportView> };
  status: { query: (input: { id: string }) => Promise<ImportStatusView> };
  list: {
    query: (input: { cursor?: string | null; limit?: number }) => Promise<{
      items: ImportListItem[];
      nextCursor: string | null;
    }>;
  };
  mappings: { query: (input: Record<string, never>) => Promise<SavedMapping[]> };
  setMapping: { mutate: (input: SetMappingInput) => Promise<ImportView> };
  applyMapping: { mutate: (input: { id: string; mappingId: string }) => Promise<ImportView> };
  dryRun: { mutate: (input: { id: string; duplicatePolicy?: DuplicatePolicy }) => Promise<DryRun> };
  start: { mutate: (input: { id: string; duplicatePolicy: DuplicatePolicy }) => Promise<ImportView> };
  undo: { mutate: (input: { id: string }) => Promise<ImportView> };
};

/** The `imports` router of the API client (see the note at the top of the file). */
export const importsApi = (): ImportsClient => (trpc as unknown as { imports: ImportsClient }).imports;

export const importQuery = (id: string) => ({
  queryKey: ['imports', 'get', { id }] as const,
  queryFn: () => importsApi().get.query({ id }),
});

/** Plain links: the browser downloads the report itself, nothing is read into memory. */
export const errorReportUrl = (id: string, dryRun: boolean) =>
  `/api/imports/${encodeURIComponent(id)}/errors.csv${dryRun ? '?dryRun=1' : ''}`;

/** The clients list filtered by the import's batch (the list's `batch` URL parameter). */
export const batchClientsUrl = (batchId: string) => `/clients?batch=${encodeURIComponent(batchId)}`;

/** A refused upload: the API's problem, in the shape `toProblem` gives for a tRPC call. */
export class UploadError extends Error {
  readonly problem: ApiProblem;
  constructor(problem: ApiProblem) {
    super(problem.message);
    this.name = 'UploadError';
    this.problem = problem;
  }
}

/** Reads the error envelope of `POST /api/imports` (`{error: {message, data: {code, issues}}}`). */
export function uploadProblem(status: number, body: string): ApiProblem {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = null;
  }
  const error = (parsed as { error?: { message?: unknown; data?: unknown } } | null)?.error;
  const data = (error?.data ?? {}) as { code?: unknown; issues?: unknown };
  const issues: WireIssue[] = Array.isArray(data.issues)
    ? data.issues.filter((i): i is WireIssue => typeof i === 'object' && i !== null)
    : [];
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    if (issue.field && issue.message && !(issue.field in fields)) fields[issue.field] = issue.message;
  }
  const message = typeof error?.message === 'string' ? error.message : '';
  return {
    code: typeof data.code === 'string' ? data.code : status === 0 ? 'NETWORK' : `HTTP_${status}`,
    message,
    fields,
    issues,
    conflict: null,
  };
}

/**
 * Sends a file to `POST /api/imports` as the multipart field `file`. XMLHttpRequest rather than
 * fetch, because only it reports upload progress; `onProgress` gets the fraction sent (0..1). An
 * XLSX file may name its sheet (the first one otherwise).
 */
export function uploadImportFile(
  file: File,
  onProgress: (fraction: number) => void,
  options: { signal?: AbortSignal; sheet?: string } = {},
): Promise<{ importId: string }> {
  const { signal, sheet } = options;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          const body = JSON.parse(xhr.responseText) as { importId?: unknown };
          if (typeof body.importId === 'string') {
            onProgress(1);
            resolve({ importId: body.importId });
            return;
          }
        } catch {
          // An answer without an import id is a failure, reported below.
        }
      }
      reject(new UploadError(uploadProblem(xhr.status, xhr.responseText)));
    };
    xhr.onerror = () => reject(new UploadError(uploadProblem(0, '')));
    xhr.onabort = () => reject(new UploadError({ ...uploadProblem(0, ''), code: 'ABORTED' }));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const body = new FormData();
    if (sheet) body.append('sheet', sheet);
    body.append('file', file, file.name);
    xhr.send(body);
  });
}
