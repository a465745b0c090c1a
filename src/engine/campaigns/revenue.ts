// What a campaign's group earned against what it cost. Money in integer minor units (fen), as everywhere; the
// ratios are plain numbers. A ratio over nothing is null, not Infinity or NaN, so it survives JSON and GraphQL.

export interface RevenueFigures {
  /** Revenue per member of the group, in fen (a fraction of a fen is kept); null for an empty group. */
  revenuePerMember: number | null;
  /** Return on investment, (revenue − cost) / cost: 0.5 means the campaign earned its cost back and half again. */
  returnOnInvestment: number | null;
  /** Return on ad spend, revenue / cost: 1.5 means 1.5 fen back for each fen spent. */
  returnOnAdSpend: number | null;
}

export function revenueFigures(revenue: number, cost: number, members: number): RevenueFigures {
  if (!Number.isFinite(revenue)) throw new RangeError(`revenue must be a number (got ${revenue})`);
  if (!(cost >= 0 && Number.isFinite(cost))) throw new RangeError(`cost must be 0 or more (got ${cost})`);
  if (!Number.isSafeInteger(members) || members < 0) throw new RangeError(`members must be a whole number of 0 or more (got ${members})`);
  return {
    revenuePerMember: members === 0 ? null : revenue / members,
    returnOnInvestment: cost === 0 ? null : (revenue - cost) / cost,
    returnOnAdSpend: cost === 0 ? null : revenue / cost,
  };
}
