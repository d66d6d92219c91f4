/**
 * File reading for imports (issue 5): detect → read, streamed with flat memory.
 *
 * 1. `detectFormat(first 64 KiB)` → CSV (encoding, BOM, delimiter) or XLSX, or a typed error.
 * 2. CSV: `readCsv(bytes, detected)` gives the header and streams rows; each row carries
 *    `resume`, a byte position in the file just past it. Commit `resume` with the row; after a
 *    crash `readCsvFileFrom(path, detected, resume)` yields exactly the rows after it.
 *    XLSX: `readXlsx(path, { sheet })`; it resumes by row count (`afterRow`), re-reading the sheet.
 * 3. All failures are `ImportReadError` with a `code`; nothing else is thrown.
 */
export {
  type CsvDelimiter,
  DETECT_HEAD_BYTES,
  type DetectedCsv,
  type DetectedFormat,
  type DetectedXlsx,
  type DetectionError,
  type DetectionResult,
  detectFormat,
  readHead,
  type TextEncodingName,
} from './detect.ts';
export { ImportReadError, type ImportReadErrorCode, type ImportReadErrorInfo } from './errors.ts';
export {
  COUNT_CSV_MAX_BYTES,
  detectFile,
  type ImportFileInspection,
  inspectImportFile,
  type RegisterImportInput,
  registerImport,
  SAMPLE_ROWS,
} from './inspect.ts';
export { chunked, type FileShape, openRowSource, type SourceRow } from './plan.ts';
export {
  type ByteSource,
  type CsvReader,
  type CsvReadOptions,
  type CsvResumePoint,
  type CsvRow,
  DEFAULT_MAX_ROW_BYTES,
  readCsv,
  readCsvFile,
  readCsvFileFrom,
  readCsvFrom,
} from './read-csv.ts';
export { cellToText, readXlsx, type XlsxReader, type XlsxReadOptions, type XlsxRow } from './read-xlsx.ts';
export {
  DEFAULT_CHUNK_ROWS,
  DEFAULT_DRY_RUN_POLICY,
  DEFAULT_STALL_SECONDS,
  type DryRunPreviewRow,
  type DryRunResult,
  dryRunImport,
  ImportRefusedError,
  type RunImportOptions,
  type RunImportOutcome,
  runImport,
} from './run.ts';
export { defaultSpoolDir, removeSpooledFile, spoolImportFile } from './spool.ts';
export {
  DEFAULT_IMPORT_STALL_SECONDS,
  DEFAULT_IMPORT_SWEEP_SECONDS,
  type ImportSweep,
  startImportSweep,
  sweepImports,
} from './sweep.ts';
export { runUndo } from './undo.ts';
