/**
 * A deterministic pairwise (all-pairs) covering array: every value of every dimension
 * meets every value of every other dimension in at least one case, with far fewer cases
 * than the full product. Greedy, in the manner of AETG (Cohen et al., 1997) but without
 * randomness, so the sample — and the table it writes to docs/verification.md — is the
 * same on every run.
 */

/** Dimensions: a name and its values, in order. */
export type Dimensions = Readonly<Record<string, readonly unknown[]>>;

/** One case: a value for each dimension. */
export type Case<D extends Dimensions> = { -readonly [K in keyof D]: D[K][number] };

/** Every combination of the dimensions' values, first dimension slowest. */
export function fullProduct<D extends Dimensions>(dimensions: D): Case<D>[] {
  return Object.entries(dimensions).reduce<Record<string, unknown>[]>(
    (cases, [name, values]) => cases.flatMap((partial) => values.map((value) => ({ ...partial, [name]: value }))),
    [{}],
  ) as Case<D>[];
}

/**
 * A small set of cases covering every pair of values of two different dimensions.
 * Each new case starts from the first pair still uncovered, then fills the other
 * dimensions one by one with the value that covers the most uncovered pairs
 * (the first such value on a tie).
 *
 * `valid` excludes combinations that cannot exist (a pod the API server rejects would
 * hide every other pair it carries): it is asked about partial cases, holding only the
 * dimensions chosen so far, and a pair it rejects is not required.
 */
export function pairwiseCases<D extends Dimensions>(dimensions: D, valid: (partial: Partial<Case<D>>) => boolean = () => true): Case<D>[] {
  const names = Object.keys(dimensions);
  const sizes = names.map((name) => dimensions[name].length);
  if (sizes.some((size) => size === 0)) throw new Error('pairwise: every dimension needs at least one value');
  const key = (a: number, va: number, b: number, vb: number) => `${a}:${va}|${b}:${vb}`;
  const uncovered = new Set<string>();
  for (let a = 0; a < names.length; a++) {
    for (let b = a + 1; b < names.length; b++) {
      for (let va = 0; va < sizes[a]; va++) for (let vb = 0; vb < sizes[b]; vb++) uncovered.add(key(a, va, b, vb));
    }
  }
  const pairsOf = (row: ReadonlyArray<number | undefined>): string[] => {
    const pairs: string[] = [];
    for (let a = 0; a < row.length; a++) {
      for (let b = a + 1; b < row.length; b++) {
        const va = row[a];
        const vb = row[b];
        if (va !== undefined && vb !== undefined) pairs.push(key(a, va, b, vb));
      }
    }
    return pairs;
  };

  const asCase = (row: ReadonlyArray<number | undefined>) =>
    Object.fromEntries(names.flatMap((name, d) => (row[d] === undefined ? [] : [[name, dimensions[name][row[d]!]]]))) as Partial<Case<D>>;
  for (const pair of [...uncovered]) {
    const row: Array<number | undefined> = names.map(() => undefined);
    const [[a, va], [b, vb]] = pair.split('|').map((part) => part.split(':').map(Number));
    row[a] = va;
    row[b] = vb;
    if (!valid(asCase(row))) uncovered.delete(pair);
  }

  const rows: number[][] = [];
  if (names.length === 1) for (let v = 0; v < sizes[0]; v++) rows.push([v]);
  while (uncovered.size > 0) {
    const [first] = uncovered;
    const [[a, va], [b, vb]] = first.split('|').map((part) => part.split(':').map(Number));
    const row: Array<number | undefined> = names.map(() => undefined);
    row[a] = va;
    row[b] = vb;
    for (let d = 0; d < names.length; d++) {
      if (row[d] !== undefined) continue;
      let best = -1;
      let bestGain = -1;
      for (let v = 0; v < sizes[d]; v++) {
        row[d] = v;
        if (!valid(asCase(row))) continue;
        const gain = pairsOf(row).filter((pair) => uncovered.has(pair)).length;
        if (gain > bestGain) [best, bestGain] = [v, gain];
      }
      if (best < 0) throw new Error(`pairwise: no valid value of ${names[d]} for ${JSON.stringify(asCase(row))}`);
      row[d] = best;
    }
    for (const pair of pairsOf(row)) uncovered.delete(pair);
    rows.push(row as number[]);
  }
  return rows.map((row) => asCase(row) as Case<D>);
}
