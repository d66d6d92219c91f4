import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `@cb/domain` is the functional core: same input, same output, on the server and in the browser.
 * This test keeps it so: no I/O or infrastructure imports, no clock, no randomness in its sources.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const forbiddenImports = [
  /from\s+['"]node:/,
  /from\s+['"](fs|path|os|child_process|net|http|https|crypto|worker_threads)['"]/,
  /from\s+['"]@cb\/(db|api|worker|web)/,
  /from\s+['"](drizzle-orm|pg|postgres|@electric-sql\/pglite|hono|@hono\/[^'"]+|@trpc\/[^'"]+|pg-boss)['"/]/,
  /\bimport\(\s*['"]node:/,
  /\brequire\(/,
];
const forbiddenCalls = [
  /new Date\(\s*\)/,
  /Date\.now\(/,
  /Math\.random\(/,
  /crypto\.(randomUUID|getRandomValues)/,
  /performance\.now\(/,
  /\bprocess\./,
  /\bfetch\(/,
];

const files = sources(root);

describe('@cb/domain purity', () => {
  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(root, f), f]))(
    '%s imports no I/O and reads no clock or randomness',
    (_name, file) => {
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const pattern of [...forbiddenImports, ...forbiddenCalls]) {
        expect(text, `${pattern} found`).not.toMatch(pattern);
      }
    },
  );

  it('would catch an offending line', () => {
    const offending = [
      "import { readFileSync } from 'node:fs';",
      'const t = Date.now();',
      "import { sql } from 'drizzle-orm';",
    ];
    for (const line of offending) {
      expect([...forbiddenImports, ...forbiddenCalls].some((p) => p.test(line))).toBe(true);
    }
  });
});
