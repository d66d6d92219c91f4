import { type ExportColumnKey, exportColumnKeys } from '@cb/domain';
import type { Locale } from '@cb/domain/vocabulary';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../../i18n/format.ts';
import { CheckboxField } from '../../ui/field.tsx';
import { Modal } from '../../ui/modal.tsx';
import './export-dialog.css';

/** The columns the dialog starts with checked. */
export const defaultExportColumns: readonly ExportColumnKey[] = [
  'displayName',
  'phones',
  'emails',
  'city',
  'stage',
  'temperature',
  'tags',
  'createdAt',
];

export type ExportFormat = 'csv' | 'xlsx';
/** Left out, the server picks the delimiter that suits the encoding. */
export type ExportDelimiter = 'comma' | 'semicolon' | null;
export type ExportEncoding = 'utf8' | 'cp1251';

/** Which clients leave: a segment or static list, a saved view, or the list as the user sees it now. */
export type ExportSource =
  | { kind: 'segment'; segmentId: string }
  | { kind: 'view'; viewId: string }
  | { kind: 'list'; filter?: unknown; sort?: unknown; q?: string };

export type ExportRequest = {
  format: ExportFormat;
  encoding: ExportEncoding;
  delimiter?: ExportDelimiter;
  columns: readonly ExportColumnKey[];
  lang: Locale;
  source: ExportSource;
  /** The IANA zone the created / updated times are written in: the browser's. */
  timeZone?: string;
};

/** The zone this browser shows times in (`Europe/Moscow`); undefined when it does not say. */
export function browserTimeZone(): string | undefined {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
}

/**
 * The address of `GET /api/exports/clients` for a request. The encoding applies to CSV only (an XLSX
 * file is always UTF-8 inside); columns keep the order of {@link exportColumnKeys}.
 */
export function exportUrl(request: ExportRequest): string {
  const params = new URLSearchParams();
  params.set('format', request.format);
  if (request.format === 'csv') {
    params.set('encoding', request.encoding);
    if (request.delimiter) params.set('delimiter', request.delimiter);
  }
  params.set('columns', exportColumnKeys.filter((c) => request.columns.includes(c)).join(','));
  params.set('lang', request.lang);
  if (request.timeZone) params.set('timeZone', request.timeZone);
  const source = request.source;
  switch (source.kind) {
    case 'segment':
      params.set('segmentId', source.segmentId);
      break;
    case 'view':
      params.set('viewId', source.viewId);
      break;
    case 'list':
      if (source.filter !== undefined) params.set('filter', JSON.stringify(source.filter));
      if (source.sort !== undefined) params.set('sort', JSON.stringify(source.sort));
      if (source.q?.trim()) params.set('q', source.q.trim());
      break;
    default: {
      const never: never = source;
      return never;
    }
  }
  return `/api/exports/clients?${params.toString()}`;
}

/** An "Export" button that opens the dialog for its source. */
export function ExportButton({ source }: { source: ExportSource }) {
  const { t } = useTranslation('imports');
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="export-open">
        {t('export.button')}
      </button>
      {open ? <ExportDialog source={source} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/**
 * Columns, format and encoding of an export; Download is a plain link to the streamed file, so the
 * browser saves it as it arrives and nothing is held in this page's memory.
 */
export function ExportDialog({ source, onClose }: { source: ExportSource; onClose: () => void }) {
  const { t } = useTranslation('imports');
  const lang = useLocale();
  const formatId = useId();
  const [columns, setColumns] = useState<ExportColumnKey[]>(() => [...defaultExportColumns]);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [encoding, setEncoding] = useState<ExportEncoding>('utf8');
  const [delimiter, setDelimiter] = useState<ExportDelimiter>(null);
  const url = exportUrl({ format, encoding, delimiter, columns, lang, source, timeZone: browserTimeZone() });
  const scope =
    source.kind === 'segment'
      ? t('export.scopeSegment')
      : source.kind === 'view'
        ? t('export.scopeView')
        : t('export.scopeList');

  const radio = <T extends string>(name: string, value: T, current: T, set: (v: T) => void, text: string) => (
    <label className="export-radio" key={value}>
      <input
        type="radio"
        name={`${formatId}-${name}`}
        checked={current === value}
        onChange={() => set(value)}
      />
      <span>{text}</span>
    </label>
  );

  return (
    <Modal title={t('export.title')} onClose={onClose}>
      <div className="export-dialog" data-testid="export-dialog">
        <p className="muted">{scope}</p>
        <fieldset className="export-columns">
          <legend>{t('export.columns')}</legend>
          <div className="row">
            <button type="button" className="btn btn-small" onClick={() => setColumns([...exportColumnKeys])}>
              {t('export.selectAll')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setColumns([])}>
              {t('export.selectNone')}
            </button>
          </div>
          <div className="export-column-grid">
            {exportColumnKeys.map((c) => (
              <CheckboxField
                key={c}
                label={t(`export.column.${c}`)}
                checked={columns.includes(c)}
                onChange={(e) =>
                  setColumns((cs) =>
                    exportColumnKeys.filter((k) => (k === c ? e.target.checked : cs.includes(k))),
                  )
                }
              />
            ))}
          </div>
          {columns.length === 0 ? (
            <span className="field-error" role="alert">
              {t('export.columnsMissing')}
            </span>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>{t('export.format')}</legend>
          {radio('format', 'csv', format, setFormat, 'CSV')}
          {radio('format', 'xlsx', format, setFormat, 'XLSX (Excel)')}
        </fieldset>
        {format === 'csv' ? (
          <fieldset>
            <legend>{t('export.encoding')}</legend>
            {radio('encoding', 'utf8', encoding, setEncoding, 'UTF-8')}
            {radio('encoding', 'cp1251', encoding, setEncoding, 'Windows-1251')}
            <span className="hint">{t('export.encodingHint')}</span>
          </fieldset>
        ) : null}
        {format === 'csv' ? (
          <fieldset>
            <legend>{t('export.delimiter')}</legend>
            {radio(
              'delimiter',
              'auto',
              delimiter ?? 'auto',
              () => setDelimiter(null),
              t('export.delimiterAuto'),
            )}
            {radio(
              'delimiter',
              'semicolon',
              delimiter ?? 'auto',
              () => setDelimiter('semicolon'),
              t('export.delimiterSemicolon'),
            )}
            {radio(
              'delimiter',
              'comma',
              delimiter ?? 'auto',
              () => setDelimiter('comma'),
              t('export.delimiterComma'),
            )}
          </fieldset>
        ) : null}
        <p className="muted">{t('export.audit')}</p>
        <div className="row dialog-actions">
          {columns.length ? (
            <a
              className="btn btn-primary"
              href={url}
              download
              onClick={onClose}
              data-testid="export-download"
            >
              {t('export.download')}
            </a>
          ) : (
            <button type="button" className="btn btn-primary" disabled data-testid="export-download">
              {t('export.download')}
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('common:cancel')}
          </button>
        </div>
      </div>
    </Modal>
  );
}
