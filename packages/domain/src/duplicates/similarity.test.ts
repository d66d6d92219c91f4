import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeSimilarity, editDistance, jaroWinkler, tokenSetSimilarity } from './similarity.ts';

describe('jaroWinkler', () => {
  it.each([
    ['martha', 'marhta', 0.961],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.813],
    ['abc', 'abc', 1],
    ['abc', '', 0],
    ['abc', 'xyz', 0],
  ])('%s ~ %s = %d', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
  });

  it('is symmetric and within 0..1', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaroWinkler(b, a)).toBeCloseTo(s, 10);
      }),
    );
  });
});

describe('editDistance', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['1985', '1958', 1],
    ['abc', 'abc', 0],
    ['', 'abc', 3],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('codeSimilarity', () => {
  it.each([
    ['79161234567', '79161234567', 1],
    ['79161234567', '79161234576', 0.8],
    ['79161234567', '79161234568', 0.8],
    ['79161234567', '79161230000', 0],
    ['123', '124', 0],
  ])('%s ~ %s = %d', (a, b, s) => {
    expect(codeSimilarity(a, b)).toBe(s);
  });
});

describe('tokenSetSimilarity', () => {
  it('ignores word order', () => {
    expect(tokenSetSimilarity(['lenina', '5'], ['5', 'lenina'])).toBe(1);
  });
  it('is 0 for an empty side', () => {
    expect(tokenSetSimilarity([], ['lenina'])).toBe(0);
  });
});
