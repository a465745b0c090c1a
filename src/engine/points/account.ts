// The arithmetic of a points account: lots consumed first-to-expire, debt from claw-backs paid off first.

export interface OpenLot {
  id: number;
  remaining: number;
  expiresAt: Date;
}

export interface LotAllocation {
  lotId: number;
  points: number;
}

/**
 * Takes up to `points` from the lots that expire first (ties: the older lot). A `preferredLotId` is drained first:
 * a refund takes back the points of its own order before any other. Returns fewer points than asked only when
 * the lots hold fewer.
 */
export function allocateFirstExpiring(lots: readonly OpenLot[], points: number, preferredLotId: number | null = null): LotAllocation[] {
  const ordered = [...lots]
    .filter((lot) => lot.remaining > 0)
    .sort((a, b) => {
      if (a.id === preferredLotId) return -1;
      if (b.id === preferredLotId) return 1;
      return a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id;
    });
  const allocations: LotAllocation[] = [];
  let left = points;
  for (const lot of ordered) {
    if (left <= 0) break;
    const taken = Math.min(lot.remaining, left);
    allocations.push({ lotId: lot.id, points: taken });
    left -= taken;
  }
  return allocations;
}

/** Points coming in pay off debt first; the rest becomes a lot. */
export function splitIncomingPoints(points: number, debt: number): { debtRepaid: number; toLot: number } {
  const debtRepaid = Math.min(points, debt);
  return { debtRepaid, toLot: points - debtRepaid };
}

/** A claw-back takes what the balance holds; the shortfall becomes debt, so the balance never goes negative. */
export function splitClawBack(points: number, balance: number): { fromBalance: number; addedDebt: number } {
  const fromBalance = Math.min(points, balance);
  return { fromBalance, addedDebt: points - fromBalance };
}
