import { admissible, MATRIX_DIMENSIONS } from './matrix';
import { fullProduct, pairwiseCases } from './pairwise';

/** Every pair of values of two different dimensions that `cases` contain. */
function coveredPairs(cases: ReadonlyArray<Record<string, unknown>>): Set<string> {
  const pairs = new Set<string>();
  for (const c of cases) {
    const entries = Object.entries(c);
    for (let a = 0; a < entries.length; a++) {
      for (let b = a + 1; b < entries.length; b++) pairs.add(JSON.stringify([entries[a], entries[b]]));
    }
  }
  return pairs;
}

describe('pairwiseCases', () => {
  test('covers every pair of values the full product covers, with far fewer cases', () => {
    const sample = pairwiseCases(MATRIX_DIMENSIONS);
    const all = coveredPairs(fullProduct(MATRIX_DIMENSIONS));
    const covered = coveredPairs(sample);
    expect([...all].filter((pair) => !covered.has(pair))).toEqual([]);
    // 5 sysctl values × 4 add values is the floor; the full product is 3,840.
    expect(sample.length).toBeGreaterThanOrEqual(20);
    expect(sample.length).toBeLessThanOrEqual(30);
  });

  test('is deterministic', () => {
    expect(pairwiseCases(MATRIX_DIMENSIONS)).toEqual(pairwiseCases(MATRIX_DIMENSIONS));
  });

  test('with a constraint, emits no excluded case and still covers every admissible pair', () => {
    const sample = pairwiseCases(MATRIX_DIMENSIONS, admissible);
    expect(sample.every((c) => admissible(c))).toBe(true);
    const admissiblePairs = coveredPairs(fullProduct(MATRIX_DIMENSIONS).filter((c) => admissible(c)));
    const covered = coveredPairs(sample);
    expect([...admissiblePairs].filter((pair) => !covered.has(pair))).toEqual([]);
  });

  test('handles one dimension and rejects an empty one', () => {
    expect(pairwiseCases({ only: [1, 2, 3] })).toEqual([{ only: 1 }, { only: 2 }, { only: 3 }]);
    expect(() => pairwiseCases({ a: [1], b: [] })).toThrow(/at least one value/);
  });
});

describe('fullProduct', () => {
  test('is the product of the dimension sizes', () => {
    expect(fullProduct(MATRIX_DIMENSIONS)).toHaveLength(2 * 3 * 4 * 2 * 2 * 2 * 5 * 2 * 2);
  });
});
