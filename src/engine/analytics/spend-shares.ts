// Sharing an amount of fen out by weights, in whole fen that add up to it exactly: spend recorded for all channels is
// shared among the channels by their new members (docs/kpis.md, the acquisition cost).

/**
 * Each key's share of `total` (≥ 0) in proportion to its weight, by largest remainder: every share is the exact proportion
 * rounded down or up, and the shares add up to `total`. The fen left after rounding down go to the largest
 * remainders, ties to the key that sorts first. Keys of weight 0 get 0; with no weight at all, nothing is shared (an
 * empty map). BigInt arithmetic, so amounts and weights of any safe size stay exact.
 */
export function shareByWeight(total: number, weights: ReadonlyMap<string, number>): Map<string, number> {
  const shares = new Map<string, number>();
  const entries = [...weights].filter(([, weight]) => weight > 0).sort(([first], [second]) => (first < second ? -1 : first > second ? 1 : 0));
  const weightSum = entries.reduce((sum, [, weight]) => sum + BigInt(weight), 0n);
  if (weightSum === 0n || total === 0) return shares;
  const amount = BigInt(total);
  const remainders: { key: string; remainder: bigint }[] = [];
  let given = 0n;
  for (const [key, weight] of entries) {
    const exact = amount * BigInt(weight);
    const share = exact / weightSum;
    shares.set(key, Number(share));
    remainders.push({ key, remainder: exact % weightSum });
    given += share;
  }
  // Stable sort: equal remainders keep the keys' order.
  remainders.sort((first, second) => (second.remainder > first.remainder ? 1 : second.remainder < first.remainder ? -1 : 0));
  for (let index = 0; given < amount; index += 1, given += 1n) {
    const { key } = remainders[index];
    shares.set(key, shares.get(key)! + 1);
  }
  return shares;
}
