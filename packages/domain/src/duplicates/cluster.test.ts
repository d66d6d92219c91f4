import { describe, expect, it } from 'vitest';
import { clusterPairs } from './cluster.ts';
import { pairQuality } from './quality.ts';

describe('clusterPairs', () => {
  it.each([
    [[], []],
    [[['a', 'b']], [['a', 'b']]],
    [
      [
        ['c', 'b'],
        ['a', 'b'],
        ['x', 'y'],
      ],
      [
        ['a', 'b', 'c'],
        ['x', 'y'],
      ],
    ],
    [
      [
        ['d', 'e'],
        ['b', 'c'],
        ['c', 'd'],
        ['a', 'a'],
      ],
      [['a'], ['b', 'c', 'd', 'e']],
    ],
  ] satisfies [[string, string][], string[][]][])('%j → %j', (pairs, clusters) => {
    expect(clusterPairs(pairs)).toEqual(clusters);
  });
});

describe('pairQuality', () => {
  it('counts pairs regardless of order and repeats', () => {
    const q = pairQuality(
      [
        ['b', 'a'],
        ['a', 'b'],
        ['a', 'c'],
      ],
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    );
    expect(q).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, tp: 1, fp: 1, fn: 1 });
  });

  it.each([
    [[], [['a', 'b']], { precision: 1, recall: 0, f1: 0 }],
    [[['a', 'b']], [], { precision: 0, recall: 1, f1: 0 }],
    [[], [], { precision: 1, recall: 1, f1: 1 }],
  ] satisfies [[string, string][], [string, string][], object][])(
    'edge case %j vs %j',
    (found, truth, expected) => {
      expect(pairQuality(found, truth)).toMatchObject(expected);
    },
  );
});
