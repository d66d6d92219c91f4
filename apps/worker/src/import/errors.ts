/**
 * Every failure the file-reading layer reports carries one of these codes, so the import job can
 * show the user a clear message (and decide whether to retry) without inspecting stack traces.
 */
export type ImportReadErrorCode =
  | 'empty'
  | 'not_text'
  | 'unsupported_format'
  | 'row_too_large'
  | 'malformed_csv'
  | 'xlsx_unreadable'
  | 'xlsx_too_large'
  | 'sheet_not_found'
  | 'read_failed';

export interface ImportReadErrorInfo {
  code: ImportReadErrorCode;
  message: string;
  /** 1-based data row (the header is not counted) the failure belongs to, when known. */
  rowNumber?: number;
  /** 1-based physical line of the source file, when known. */
  line?: number;
  /** Byte offset in the source file where the failing row starts, when known. */
  byteOffset?: number;
}

export class ImportReadError extends Error {
  readonly code: ImportReadErrorCode;
  readonly rowNumber: number | undefined;
  readonly line: number | undefined;
  readonly byteOffset: number | undefined;

  constructor(info: ImportReadErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = 'ImportReadError';
    this.code = info.code;
    this.rowNumber = info.rowNumber;
    this.line = info.line;
    this.byteOffset = info.byteOffset;
  }

  toJSON(): ImportReadErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.rowNumber === undefined ? {} : { rowNumber: this.rowNumber }),
      ...(this.line === undefined ? {} : { line: this.line }),
      ...(this.byteOffset === undefined ? {} : { byteOffset: this.byteOffset }),
    };
  }
}
