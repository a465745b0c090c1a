// A small seeded pseudo-random generator, so demo data is the same on every machine for the same seed.
// Each member draws from a stream of its own (seed, index), so member 5,000 is identical whatever the batch size.

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [minimum, maximum], both included. */
  integer(minimum: number, maximum: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks by relative weight: `[["A", 3], ["B", 1]]` gives A three times as often as B. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
  chance(probability: number): boolean;
}

/** splitmix32: spreads nearby integers (seed 1, 2, 3...) into unrelated 32-bit states. */
function mix(value: number): number {
  let state = (value + 0x9e3779b9) | 0;
  state = Math.imul(state ^ (state >>> 16), 0x21f0aaad);
  state = Math.imul(state ^ (state >>> 15), 0x735a2d97);
  return (state ^ (state >>> 15)) >>> 0;
}

/** mulberry32: fast, 32-bit state, good enough statistics for test and demo data (not for secrets). */
export function createRandom(seed: number): Random {
  let state = mix(seed);
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    integer: (minimum, maximum) => minimum + Math.floor(next() * (maximum - minimum + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted(choices) {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      let target = next() * total;
      for (const [value, weight] of choices) {
        target -= weight;
        if (target < 0) return value;
      }
      return choices[choices.length - 1][0];
    },
    chance: (probability) => next() < probability,
  };
}

/** The stream for one item of a seeded collection; another `stream` number gives the same item an independent stream. */
export function randomFor(seed: number, index: number, stream = 0): Random {
  const base = mix(seed) ^ mix(index * 2654435761);
  return createRandom(stream === 0 ? base : base ^ mix(stream * 40503));
}
