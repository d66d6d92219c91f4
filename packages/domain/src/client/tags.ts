/** Tags are free labels; their only rules are clean whitespace, no duplicates and a sane count. */
import { normalizeName } from '../normalize/name.ts';

export const TAGS_MAX = 50;
export const TAG_MAX_LENGTH = 100;

/**
 * Whitespace trimmed and collapsed, empty tags dropped, duplicates removed keeping the first
 * occurrence. Comparison is exact (`VIP` and `vip` are two tags) because segment rules compare
 * tags exactly; offering existing spellings is the UI's job.
 */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const t of tags) {
    const tag = normalizeName(t);
    if (tag !== null) seen.add(tag);
  }
  return [...seen];
}
