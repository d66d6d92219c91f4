import { suggestMapping } from '@cb/domain';
import type { ApiProblem, WireIssue } from '../../api/errors.ts';
import { type Inputs, type Outputs, trpc } from '../../api/trpc.ts';

/*
 * The import API as the screens use it: every type below is the router's own (`Outputs` /
 * `Inputs` of `imports.*`), named for the screens; `importsApi` is the only place that reaches
 * `trpc.imports`.
 */

type ImportsOutputs = Outputs['imports'];

/**
 * What the web app shows of an import (`imports.get`, and what the mutations return): by its
 * `kind`, with the mapping of that kind as stored and as its headers suggest it.
 */
export type ImportView = ImportsOutputs['get'];
export type ClientImportView = Extract<ImportView, { kind: 'clients' }>;
export type PurchaseImportView = Extract<ImportView, { kind: 'purchases' }>;
/** The status poll (`imports.status`). */
export type ImportStatusView = ImportsOutputs['status'];
export type ImportListItem = ImportsOutputs['list']['items'][number];
export type SavedMapping = ImportsOutputs['mappings'][number];
export type SetMappingInput = Inputs['imports']['setMapping'];

export type ImportStatus = ImportView['status'];
/** What the file holds: clients, or purchases attached to clients by their external id. */
export type ImportKind = ImportView['kind'];
export const importKinds = ['clients', 'purchases'] as const satisfies readonly ImportKind[];
export type ImportColumn = ClientImportView['mapping'][number];
export type ImportTarget = NonNullable<ImportColumn['target']>;
export type ImportSource = NonNullable<ImportView['source']>;
export type DuplicatePolicy = NonNullable<ImportView['duplicatePolicy']>;
export type ImportCounts = ImportView['counts'];
export type ImportProgress = ImportView['progress'];
/** The first kept clients (the API caps the list), `keptTotal` counting them all, and the totals. */
export type UndoReport = NonNullable<ImportView['undoReport']>;

/** A dry run's result, by the import's kind (`clients` or `purchases`). */
export type DryRun = ImportsOutputs['dryRun'];
export type ClientDryRun = Extract<DryRun, { kind: 'clients' }>;
export type PurchaseDryRun = Extract<DryRun, { kind: 'purchases' }>;
/** A problem of one row or cell, as the dry run previews it. */
export type RowIssue = DryRun['preview'][number]['issues'][number];

/** The client fields a column can fill, in the order the mapping editor offers them. */
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
] as const satisfies readonly Extract<ImportTarget, { kind: 'field' }>['field'][];
export type ImportFieldKey = (typeof importFieldKeys)[number];

/**
 * The import's client mapping: as stored for a client import; for one stored as purchases (the
 * user turning it back to clients), suggested from the headers and the sample's dates.
 */
export function clientMappingOf(
  view: Pick<ClientImportView, 'kind' | 'mapping'> | Pick<PurchaseImportView, 'kind' | 'headers' | 'sample'>,
): ImportColumn[] {
  return view.kind === 'clients' ? view.mapping : suggestMapping(view.headers, [], view.sample);
}

/** Statuses in which a worker is busy with the import: the screen asks for progress each second. */
export const activeStatuses: readonly ImportStatus[] = ['queued', 'running', 'undoing'];
export const isActive = (status: ImportStatus) => activeStatuses.includes(status);

export const matchKeys = [
  'externalId',
  'phone',
  'email',
  'fuzzy',
] as const satisfies readonly DuplicatePolicy['matchBy'][number][];
export type MatchKey = (typeof matchKeys)[number];
export const duplicateActions = [
  'skip',
  'fill',
  'overwrite',
  'create',
] as const satisfies readonly DuplicatePolicy['action'][];
export type DuplicateAction = (typeof duplicateActions)[number];

/** The `imports` router of the API client. */
export const importsApi = () => trpc.imports;

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
