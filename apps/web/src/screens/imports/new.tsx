import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { ApiProblem } from '../../api/errors.ts';
import { useCan } from '../../app/session.tsx';
import { useFormat } from '../../i18n/format.ts';
import { TextField } from '../../ui/field.tsx';
import { Page } from '../../ui/page.tsx';
import { Empty } from '../../ui/states.tsx';
import { UploadError, uploadImportFile } from './api.ts';
import { ProgressBar } from './progress.tsx';
import './imports.css';

const ACCEPT =
  '.csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Upload =
  | { state: 'idle' }
  | { state: 'sending'; fraction: number }
  | { state: 'failed'; problem: ApiProblem };

/** `/imports/new`: choose a file and send it; the import's own page takes over from there. */
export default function NewImport() {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const canImport = useCan('manager');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState(false);
  const [sheet, setSheet] = useState('');
  const [upload, setUpload] = useState<Upload>({ state: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const isXlsx = file !== null && /\.xlsx$/i.test(file.name);

  if (!canImport)
    return (
      <Page title={t('upload.title')}>
        <Empty title={t('upload.forbidden')} action={<Link to="/imports">{t('allImports')}</Link>} />
      </Page>
    );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setMissing(true);
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    setUpload({ state: 'sending', fraction: 0 });
    try {
      const { importId } = await uploadImportFile(
        file,
        (fraction) => setUpload({ state: 'sending', fraction }),
        { signal: controller.signal, ...(isXlsx && sheet.trim() ? { sheet: sheet.trim() } : {}) },
      );
      await queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
      navigate(`/imports/${importId}`);
    } catch (error) {
      if (controller.signal.aborted) {
        setUpload({ state: 'idle' });
        return;
      }
      const problem =
        error instanceof UploadError
          ? error.problem
          : { code: 'NETWORK', message: '', fields: {}, issues: [], conflict: null };
      setUpload({ state: 'failed', problem });
    }
  };

  const problem = upload.state === 'failed' ? upload.problem : null;
  const sheetError = problem?.fields.sheet;
  const fileError = missing
    ? t('upload.fileMissing')
    : (problem?.fields.file ?? (problem?.code === 'PAYLOAD_TOO_LARGE' ? problem.message : undefined));
  const formError =
    problem && !fileError && !sheetError
      ? problem.code === 'NETWORK'
        ? t('upload.network')
        : problem.message || t('upload.failed')
      : null;
  const sending = upload.state === 'sending';

  return (
    <Page title={t('upload.title')} actions={<Link to="/imports">{t('allImports')}</Link>}>
      <form className="panel import-upload" onSubmit={submit} noValidate>
        <p className="muted">{t('upload.intro')}</p>
        <TextField
          label={t('upload.file')}
          type="file"
          name="file"
          accept={ACCEPT}
          data-testid="import-file"
          hint={
            file
              ? t('upload.chosen', { name: file.name, size: format.number(Math.ceil(file.size / 1024)) })
              : t('upload.fileHint')
          }
          error={fileError}
          disabled={sending}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setMissing(false);
            setUpload({ state: 'idle' });
          }}
        />
        {isXlsx ? (
          <TextField
            label={t('upload.sheet')}
            hint={t('upload.sheetHint')}
            value={sheet}
            maxLength={200}
            error={sheetError}
            disabled={sending}
            onChange={(e) => setSheet(e.target.value)}
          />
        ) : null}
        {sending ? (
          <ProgressBar
            label={t('upload.progressLabel')}
            value={Math.round(upload.fraction * 100)}
            max={100}
            valueText={t('upload.progressText', { percent: Math.round(upload.fraction * 100) })}
            testId="upload-progress"
          />
        ) : null}
        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={sending} data-testid="import-upload">
            {sending ? t('upload.sending') : t('upload.submit')}
          </button>
          {sending ? (
            <button type="button" className="btn" onClick={() => abort.current?.abort()}>
              {t('upload.cancel')}
            </button>
          ) : null}
        </div>
      </form>
    </Page>
  );
}
