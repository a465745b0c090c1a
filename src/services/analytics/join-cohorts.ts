// Monthly join cohorts: members who joined in each local month, and how many of them were active (an order or a
// login) in each month since joining; month 0 is the joining month itself. Activity comes from the KPI facts.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { numberFromDatabase, timeToDatabase } from "../../database/raw-values";
import { readAfterTransactions } from "../../database/transactions";
import { addLocalMonths } from "../../engine";
import { joinMonthScheme, kpiPeriods, periodIndexOfDay, type KpiPeriod } from "../../engine/analytics";
import { badUserInput } from "../../errors";
import { readFactSums } from "./kpi-fact-store";
import { localDaySql } from "./kpi-sql";

export const maximumCohorts = 60;
export const maximumCohortMonths = 36;

export interface JoinCohort {
  period: KpiPeriod;
  members: number;
  /** Index k: month k since joining. Null for months that have not begun. */
  activeMembers: (number | null)[];
  /** Index k: when month k since joining starts. */
  monthStarts: Date[];
}

export class JoinCohorts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly utcOffsetMinutes: number,
  ) {}

  async cohorts(from: Date, to: Date, months: number): Promise<JoinCohort[]> {
    if (!(from < to)) throw badUserInput("from must be before to.", "to");
    if (!Number.isInteger(months) || months < 1 || months > maximumCohortMonths) throw badUserInput(`months must be 1 to ${maximumCohortMonths}.`, "months");
    const cohortPeriods = kpiPeriods(from, to, "MONTH", this.utcOffsetMinutes, maximumCohorts);
    if (!cohortPeriods) throw badUserInput(`The range holds more than ${maximumCohorts} months of cohorts: narrow it.`, "to");
    // Every calendar month from the first cohort's to the last cohort's last month: cohort c's month k is month c + k.
    const monthPeriods = kpiPeriods(cohortPeriods[0].start, addLocalMonths(cohortPeriods[cohortPeriods.length - 1].start, months, this.utcOffsetMinutes), "MONTH", this.utcOffsetMinutes, maximumCohorts + maximumCohortMonths)!;
    const start = timeToDatabase(this.dataSource, cohortPeriods[0].start);
    const end = timeToDatabase(this.dataSource, cohortPeriods[cohortPeriods.length - 1].end);
    const joinDay = localDaySql(this.dataSource, "m.joined_at", this.utcOffsetMinutes);
    const sizeRows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${joinDay} AS join_day, COUNT(*) AS members FROM members m WHERE m.joined_at >= ? AND m.joined_at < ? GROUP BY join_day`,
      [start, end],
    );
    // Active members per join month and calendar month, from the KPI facts' join-month rows.
    // Queued behind transactions on SQLite, so a fold half done is never read (readAfterTransactions).
    const activeRows = await readAfterTransactions(this.dataSource, () => readFactSums(this.dataSource, {
      granularity: "MONTH",
      fromDay: monthPeriods[0].firstDay,
      toDay: monthPeriods[monthPeriods.length - 1].endDay,
      schemeIds: [joinMonthScheme],
      groupColumn: "segment_id",
      counters: ["activeMembers"],
    }));
    const monthOfDay = new Map(monthPeriods.map((period) => [period.firstDay, period.index]));
    const now = this.clock.now();
    const cohorts: JoinCohort[] = cohortPeriods.map((period) => ({
      period,
      members: 0,
      activeMembers: Array.from({ length: months }, (_, k) => (monthPeriods[period.index + k].start <= now ? 0 : null)),
      monthStarts: Array.from({ length: months }, (_, k) => monthPeriods[period.index + k].start),
    }));
    for (const row of sizeRows) {
      const cohort = periodIndexOfDay(cohortPeriods, numberFromDatabase(row.join_day));
      if (cohort >= 0) cohorts[cohort].members += numberFromDatabase(row.members);
    }
    for (const row of activeRows) {
      const cohort = periodIndexOfDay(cohortPeriods, numberFromDatabase(row.group));
      const month = monthOfDay.get(row.periodFirstDay);
      if (cohort < 0 || month === undefined) continue;
      const monthsSinceJoining = month - cohort;
      if (monthsSinceJoining < 0 || monthsSinceJoining >= months) continue;
      const counts = cohorts[cohort].activeMembers;
      if (counts[monthsSinceJoining] !== null) counts[monthsSinceJoining]! += row.counters.activeMembers ?? 0;
    }
    return cohorts;
  }
}
