import { describe, expect, it } from 'vitest';
import { exportColumnKeys, isExportColumnKey } from './columns.ts';

describe('export column keys', () => {
  it('lists each key once', () => {
    expect(new Set(exportColumnKeys).size).toBe(exportColumnKeys.length);
  });

  it.each([
    ['displayName', true],
    ['updatedAt', true],
    ['custom.vip', false],
    ['DisplayName', false],
    ['', false],
    ['toString', false],
  ])('%j is a column key: %s', (key, expected) => {
    expect(isExportColumnKey(key)).toBe(expected);
  });
});
