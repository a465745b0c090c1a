// Checks that settlement agrees with the ledger: the auditor's view of the coalition (`npm run settlement:verify`).
// - every partner earn, redemption and refund claw-back in the points ledger has exactly one settlement line, of the
//   matching kind and points, for the same partner, and every points line has its ledger entry;
// - every partner benefit redemption has its line, and each benefit's count of redemptions is what it says;
// - every line's amount is its points (or the benefit's value) at the rate written on it;
// - every closed statement's totals are the sums of its lines, its lines were written before its period ended, and
//   each partner's statements follow one another without gap or overlap.
import type { DataSource } from "typeorm";
import { benefitShareInFen, pointsValueInFen, redemptionValueInFen, statementTotals } from "../../engine";
import { SettlementLineRecord, SettlementStatementRecord } from "../../entities";

export interface SettlementReport {
  ledgerEntriesChecked: number;
  linesChecked: number;
  statementsChecked: number;
  problems: string[];
}

const chunkSize = 5_000;

export async function verifySettlement(dataSource: DataSource, limit = 100): Promise<SettlementReport> {
  const problems: string[] = [];
  const report = (problem: string) => {
    if (problems.length < limit) problems.push(problem);
  };

  const unmatchedEntries: Record<string, string | number | null>[] = await dataSource.query(
    `SELECT e.id AS entryId, e.partner_id AS partnerId, e.type AS type, e.amount AS amount, l.id AS lineId, l.kind AS kind, l.points AS points
       FROM point_entries e LEFT JOIN settlement_lines l ON l.point_entry_id = e.id
      WHERE e.partner_id IS NOT NULL AND e.type IN ('EARN', 'REDEEM', 'CLAWBACK')
        AND (l.id IS NULL OR l.partner_id <> e.partner_id
             OR NOT ((e.type = 'EARN' AND l.kind = 'POINTS_ISSUED' AND l.points = e.amount)
                  OR (e.type = 'REDEEM' AND l.kind = 'POINTS_REDEEMED' AND l.points = -e.amount)
                  OR (e.type = 'CLAWBACK' AND l.kind = 'POINTS_ISSUE_REVERSED' AND l.points = e.amount - e.debt_change)))
      ORDER BY e.id LIMIT ${Number(limit)}`,
  );
  for (const row of unmatchedEntries) {
    report(row.lineId === null ? `ledger entry ${row.entryId} (${row.type} ${row.amount} at partner ${row.partnerId}) has no settlement line` : `ledger entry ${row.entryId} (${row.type} ${row.amount} at partner ${row.partnerId}) does not match line ${row.lineId} (${row.kind} ${row.points})`);
  }
  const [{ entries }] = await dataSource.query(`SELECT COUNT(*) AS entries FROM point_entries WHERE partner_id IS NOT NULL AND type IN ('EARN', 'REDEEM', 'CLAWBACK')`);

  const orphanLines: Record<string, string | number | null>[] = await dataSource.query(
    `SELECT l.id AS lineId, l.kind AS kind FROM settlement_lines l LEFT JOIN point_entries e ON e.id = l.point_entry_id
      WHERE l.kind IN ('POINTS_ISSUED', 'POINTS_ISSUE_REVERSED', 'POINTS_REDEEMED') AND (e.id IS NULL OR e.partner_id IS NULL OR e.partner_id <> l.partner_id)
      ORDER BY l.id LIMIT ${Number(limit)}`,
  );
  for (const row of orphanLines) report(`settlement line ${row.lineId} (${row.kind}) has no ledger entry of its partner`);

  const unsettledRedemptions: Record<string, string | number | null>[] = await dataSource.query(
    `SELECT r.id AS redemptionId, l.id AS lineId FROM partner_benefit_redemptions r LEFT JOIN settlement_lines l ON l.benefit_redemption_id = r.id
      WHERE l.id IS NULL OR l.partner_id <> r.partner_id OR l.kind <> 'BENEFIT_REDEEMED'
      ORDER BY r.id LIMIT ${Number(limit)}`,
  );
  for (const row of unsettledRedemptions) report(`benefit redemption ${row.redemptionId} has ${row.lineId === null ? "no settlement line" : `a wrong settlement line ${row.lineId}`}`);

  const miscounted: Record<string, string | number>[] = await dataSource.query(
    `SELECT b.id AS benefitId, b.redeemed_count AS counted, COUNT(r.id) AS redemptions FROM partner_benefits b LEFT JOIN partner_benefit_redemptions r ON r.benefit_id = b.id
      GROUP BY b.id, b.redeemed_count HAVING b.redeemed_count <> COUNT(r.id) ORDER BY b.id LIMIT ${Number(limit)}`,
  );
  for (const row of miscounted) report(`partner benefit ${row.benefitId} counts ${row.counted} redemptions but has ${row.redemptions}`);

  // Amounts at their rates, a chunk of lines at a time.
  const benefitValues = new Map<number, number>(
    ((await dataSource.query(`SELECT r.id AS redemptionId, b.value_fen AS valueFen FROM partner_benefit_redemptions r JOIN partner_benefits b ON b.id = r.benefit_id`)) as { redemptionId: number; valueFen: number | string }[]).map((row) => [Number(row.redemptionId), Number(row.valueFen)]),
  );
  let linesChecked = 0;
  for (let afterId = 0; ; ) {
    const lines = await dataSource.getRepository(SettlementLineRecord).createQueryBuilder("line").where("line.id > :afterId", { afterId }).orderBy("line.id", "ASC").take(chunkSize).getMany();
    if (lines.length === 0) break;
    for (const line of lines) {
      const expected = expectedAmount(line, benefitValues);
      if (expected !== null && expected !== line.amount) report(`settlement line ${line.id} (${line.kind}) is ${line.amount} fen but ${expected} at its rate ${line.rate}`);
    }
    linesChecked += lines.length;
    afterId = lines[lines.length - 1].id;
  }

  // Reversal lines are worth the cumulative difference, so they are checked per order, against its issue.
  const reversals: Record<string, string | number | null>[] = await dataSource.query(
    `SELECT r.partner_id AS partnerId, r.reference AS reference, SUM(r.points) AS points, SUM(r.amount) AS amount, MIN(r.rate) AS rate, MAX(r.rate) AS maxRate, MAX(i.points) AS issued, MAX(i.rate) AS issueRate
       FROM settlement_lines r LEFT JOIN settlement_lines i ON i.partner_id = r.partner_id AND i.reference = r.reference AND i.kind = 'POINTS_ISSUED'
      WHERE r.kind = 'POINTS_ISSUE_REVERSED' GROUP BY r.partner_id, r.reference`,
  );
  for (const row of reversals) {
    const reversed = -Number(row.points);
    const expected = -pointsValueInFen(reversed, Number(row.rate));
    if (row.issued === null || reversed > Number(row.issued)) report(`order ${row.reference} of partner ${row.partnerId} reverses ${reversed} points but issued ${row.issued ?? "none"}`);
    if (Number(row.rate) !== Number(row.maxRate) || Number(row.rate) !== Number(row.issueRate) || Number(row.amount) !== expected) report(`the reversals of order ${row.reference} of partner ${row.partnerId} credit ${row.amount} fen but ${expected} at the issue's rate`);
  }

  const foreign: Record<string, string | number>[] = await dataSource.query(
    `SELECT l.id AS lineId, l.statement_id AS statementId FROM settlement_lines l JOIN settlement_statements s ON s.id = l.statement_id WHERE l.partner_id <> s.partner_id ORDER BY l.id LIMIT ${Number(limit)}`,
  );
  for (const row of foreign) report(`statement ${row.statementId} holds line ${row.lineId} of another partner`);

  const statements = await dataSource.getRepository(SettlementStatementRecord).find({ order: { partnerId: "ASC", periodStart: "ASC" } });
  let previous: SettlementStatementRecord | null = null;
  for (const statement of statements) {
    if (previous && previous.partnerId === statement.partnerId && previous.periodEnd.getTime() !== statement.periodStart.getTime()) {
      report(`statements ${previous.id} and ${statement.id} of partner ${statement.partnerId} leave a gap or overlap (${previous.periodEnd.toISOString()} to ${statement.periodStart.toISOString()})`);
    }
    // By partner too, so the (partner, statement) index serves it on SQLite.
    const lines = await dataSource.getRepository(SettlementLineRecord).findBy({ partnerId: statement.partnerId, statementId: statement.id });
    const totals = statementTotals(lines);
    for (const [name, value] of Object.entries(totals)) {
      const stored = (statement as unknown as Record<string, number>)[name];
      if (stored !== value) report(`statement ${statement.id} (partner ${statement.partnerId}) says ${name} ${stored} but its lines add up to ${value}`);
    }
    for (const line of lines) {
      if (line.createdAt >= statement.periodEnd) report(`statement ${statement.id} holds line ${line.id}, written after its period ended`);
    }
    previous = statement;
  }
  return { ledgerEntriesChecked: Number(entries), linesChecked, statementsChecked: statements.length, problems };
}

function expectedAmount(line: SettlementLineRecord, benefitValues: Map<number, number>): number | null {
  switch (line.kind) {
    case "POINTS_ISSUED":
      return pointsValueInFen(line.points, line.rate ?? 0);
    case "POINTS_REDEEMED":
      return -redemptionValueInFen(line.points, line.rate ?? 0);
    case "BENEFIT_REDEEMED": {
      const value = line.benefitRedemptionId === null ? undefined : benefitValues.get(line.benefitRedemptionId);
      return value === undefined ? null : -benefitShareInFen(value, line.rate ?? 0);
    }
    default:
      return null;
  }
}
