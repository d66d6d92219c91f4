// @vitest-environment node
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resources } from './index.ts';

const src = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' || name === 'testing' ? [] : sourceFiles(path);
    const isCode = /\.(ts|tsx)$/.test(name);
    const isTestOnly = /\.test\.(ts|tsx)$/.test(name) || /^(fake-api|testing|testing-api)\.tsx?$/.test(name);
    return isCode && !isTestOnly ? [path] : [];
  });
}

/** Comments go; what is left is code and its string literals. */
const withoutComments = (code: string) =>
  code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function keys(value: unknown, prefix = ''): string[] {
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

describe('translations', () => {
  it('no Russian text is written into the screens: it lives in the translation files', () => {
    const offenders = sourceFiles(src)
      .map((file) => ({
        file: relative(src, file),
        lines: withoutComments(readFileSync(file, 'utf8')).split('\n'),
      }))
      .flatMap(({ file, lines }) =>
        lines.flatMap((line, i) => (/[А-Яа-яЁё]/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });

  it('English has every Russian key of every screen, and no empty text', () => {
    for (const ns of Object.keys(resources.ru) as (keyof typeof resources.ru)[]) {
      expect(keys(resources.en[ns]).sort(), ns).toEqual(keys(resources.ru[ns]).sort());
      for (const lang of ['ru', 'en'] as const) {
        const empty = keys(resources[lang][ns]).filter((k) => {
          const text = k
            .split('.')
            .reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], resources[lang][ns]);
          return typeof text !== 'string' || text.trim() === '';
        });
        expect(empty, `${lang}/${ns}`).toEqual([]);
      }
    }
  });
});
