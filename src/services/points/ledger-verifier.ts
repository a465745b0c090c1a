// Checks that every member's cached points totals agree with the ledger and the lots: the auditor's view.
import type { DataSource } from "typeorm";

export interface LedgerDifference {
  memberId: number;
  balance: number;
  ledgerBalance: number;
  debt: number;
  ledgerDebt: number;
  lifetimeEarned: number;
  ledgerEarned: number;
  lotsRemaining: number;
}

export interface LedgerReport {
  accountsChecked: number;
  membersWithoutAccount: number;
  differences: LedgerDifference[];
}

/**
 * One pass of grouped sums. An account is wrong when its balance, debt or lifetime earned differs from the sum of
 * its entries, when its lots do not hold exactly its balance, or when balance or debt is negative.
 */
export async function verifyLedger(dataSource: DataSource, limit = 100): Promise<LedgerReport> {
  const differences = await dataSource.query(
    `SELECT a.member_id AS memberId, a.balance AS balance, COALESCE(e.total, 0) AS ledgerBalance, a.debt AS debt, COALESCE(e.debt, 0) AS ledgerDebt,
            a.lifetime_earned AS lifetimeEarned, COALESCE(e.earned, 0) AS ledgerEarned, COALESCE(l.remaining, 0) AS lotsRemaining
       FROM point_accounts a
       LEFT JOIN (SELECT member_id, SUM(amount) AS total, SUM(debt_change) AS debt, SUM(CASE WHEN type = 'EARN' THEN amount ELSE 0 END) AS earned
                    FROM point_entries GROUP BY member_id) e ON e.member_id = a.member_id
       LEFT JOIN (SELECT member_id, SUM(remaining) AS remaining FROM point_lots GROUP BY member_id) l ON l.member_id = a.member_id
      WHERE a.balance <> COALESCE(e.total, 0) OR a.debt <> COALESCE(e.debt, 0) OR a.lifetime_earned <> COALESCE(e.earned, 0)
         OR a.balance <> COALESCE(l.remaining, 0) OR a.balance < 0 OR a.debt < 0
      ORDER BY a.member_id
      LIMIT ${Number(limit)}`,
  );
  const [{ accounts }] = await dataSource.query(`SELECT COUNT(*) AS accounts FROM point_accounts`);
  const [{ missing }] = await dataSource.query(`SELECT COUNT(*) AS missing FROM members m LEFT JOIN point_accounts a ON a.member_id = m.id WHERE a.member_id IS NULL`);
  return {
    accountsChecked: Number(accounts),
    membersWithoutAccount: Number(missing),
    differences: (differences as Record<keyof LedgerDifference, string | number>[]).map((row) => ({
      memberId: Number(row.memberId),
      balance: Number(row.balance),
      ledgerBalance: Number(row.ledgerBalance),
      debt: Number(row.debt),
      ledgerDebt: Number(row.ledgerDebt),
      lifetimeEarned: Number(row.lifetimeEarned),
      ledgerEarned: Number(row.ledgerEarned),
      lotsRemaining: Number(row.lotsRemaining),
    })),
  };
}
