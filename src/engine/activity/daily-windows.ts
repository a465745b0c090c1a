// Window sums over a member's daily facts. The same function serves the update after each event and the daily
// refresh of every member, so the two can never disagree.

const millisecondsPerDay = 86_400_000;

/** The local day number (days since 1970-01-01 in the business zone) an instant falls on. */
export function localDayNumber(instant: Date, utcOffsetMinutes: number): number {
  return Math.floor((instant.getTime() + utcOffsetMinutes * 60_000) / millisecondsPerDay);
}

/** The first instant of a local day number. */
export function startOfLocalDayNumber(day: number, utcOffsetMinutes: number): Date {
  return new Date(day * millisecondsPerDay - utcOffsetMinutes * 60_000);
}

/** "YYYY-MM" of the local month an instant falls in. */
export function localMonthKey(instant: Date, utcOffsetMinutes: number): string {
  return new Date(instant.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 7);
}

export interface DailyFacts {
  day: number;
  orders: number;
  spend: number;
  refunds: number;
  refundAmount: number;
  logins: number;
  sessionSeconds: number;
  interactions: number;
  complaints: number;
}

export interface ActivityTotals {
  ordersTotal: number;
  spendTotal: number;
  refundsTotal: number;
  refundAmountTotal: number;
  loginsTotal: number;
  interactionsTotal: number;
  complaintsTotal: number;
}

export interface ActivityWindows {
  ordersWindow: number;
  spendWindow: number;
  refundAmountWindow: number;
  orders30: number;
  orders90: number;
  ordersPrevious90: number;
  logins30: number;
  logins90: number;
  loginsPrevious90: number;
  sessionSeconds30: number;
  sessionSeconds90: number;
  interactions30: number;
  interactions90: number;
  complaints90: number;
  refunds90: number;
}

/** The earliest day any window ending on `today` reaches back to: only days after it matter for windows. */
export function oldestWindowDay(today: number, windowDays: number): number {
  return today - Math.max(windowDays, 180);
}

/**
 * Sums over the windows that end on `today` (inclusive): "last N days" are the days d with today − N < d ≤ today;
 * "previous 90" are the 90 days before the last 90. Days after `today` (clock skew) count as today.
 */
export function summariseWindows(days: Iterable<DailyFacts>, today: number, windowDays: number): ActivityWindows {
  const windows: ActivityWindows = {
    ordersWindow: 0, spendWindow: 0, refundAmountWindow: 0, orders30: 0, orders90: 0, ordersPrevious90: 0, logins30: 0, logins90: 0,
    loginsPrevious90: 0, sessionSeconds30: 0, sessionSeconds90: 0, interactions30: 0, interactions90: 0, complaints90: 0, refunds90: 0,
  };
  for (const facts of days) {
    const age = Math.max(0, today - facts.day);
    if (age < windowDays) {
      windows.ordersWindow += facts.orders;
      windows.spendWindow += facts.spend;
      windows.refundAmountWindow += facts.refundAmount;
    }
    if (age < 30) {
      windows.orders30 += facts.orders;
      windows.logins30 += facts.logins;
      windows.sessionSeconds30 += facts.sessionSeconds;
      windows.interactions30 += facts.interactions;
    }
    if (age < 90) {
      windows.orders90 += facts.orders;
      windows.logins90 += facts.logins;
      windows.sessionSeconds90 += facts.sessionSeconds;
      windows.interactions90 += facts.interactions;
      windows.complaints90 += facts.complaints;
      windows.refunds90 += facts.refunds;
    } else if (age < 180) {
      windows.ordersPrevious90 += facts.orders;
      windows.loginsPrevious90 += facts.logins;
    }
  }
  return windows;
}

export function summariseTotals(days: Iterable<DailyFacts>): ActivityTotals {
  const totals: ActivityTotals = { ordersTotal: 0, spendTotal: 0, refundsTotal: 0, refundAmountTotal: 0, loginsTotal: 0, interactionsTotal: 0, complaintsTotal: 0 };
  for (const facts of days) {
    totals.ordersTotal += facts.orders;
    totals.spendTotal += facts.spend;
    totals.refundsTotal += facts.refunds;
    totals.refundAmountTotal += facts.refundAmount;
    totals.loginsTotal += facts.logins;
    totals.interactionsTotal += facts.interactions;
    totals.complaintsTotal += facts.complaints;
  }
  return totals;
}
