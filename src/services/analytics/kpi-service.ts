// KPI series for the admin console: checks the request, cuts the range into the programme's local periods, reads
// the measures the KPI needs and computes each point with the figures it came from.
import type { DataSource } from "typeorm";
import { SegmentSchemeRecord } from "../../entities";
import {
  breakdownsOfKpi, emptyMeasures, kpiPeriods, periodBefore, kpiSeriesCsv, kpiValue, measuresOfKpi, type KpiBreakdown, type KpiGranularity, type KpiName, type KpiPeriod, type KpiPoint,
} from "../../engine/analytics";
import { readAfterTransactions } from "../../database/transactions";
import { badUserInput, notFound } from "../../errors";
import { KpiMeasureReader } from "./kpi-measures";

/** Enough for 13 months of days or 7 years of weeks; a longer range asks for a coarser granularity. */
export const maximumKpiPeriods = 400;

export interface KpiSeriesRequest {
  kpi: KpiName;
  from: Date;
  to: Date;
  granularity: KpiGranularity;
  breakdown: KpiBreakdown;
  /** The segment scheme of a SEGMENT breakdown. */
  schemeId: number | null;
}

export type { KpiPoint };

export interface KpiSettings {
  utcOffsetMinutes: number;
  /** What one point is worth, in fen (POINT_VALUE_FEN): the liability's price. */
  pointValueFen: number;
}

export class KpiService {
  private readonly measures: KpiMeasureReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: KpiSettings,
  ) {
    this.measures = new KpiMeasureReader(dataSource, settings.utcOffsetMinutes);
  }

  /** Points in period order, then by group name. */
  async series(request: KpiSeriesRequest): Promise<KpiPoint[]> {
    const periods = this.periodsOf(request);
    const breakdowns = breakdownsOfKpi[request.kpi];
    if (breakdowns && !breakdowns.includes(request.breakdown)) {
      throw badUserInput(`${request.kpi} can be broken down by ${breakdowns.join(" or ")} only.`, "breakdown");
    }
    if (request.breakdown === "SEGMENT") {
      if (request.schemeId === null) throw badUserInput("A SEGMENT breakdown needs schemeId: the scheme whose segments are the groups.", "schemeId");
      if (!(await this.dataSource.getRepository(SegmentSchemeRecord).existsBy({ id: request.schemeId }))) throw notFound(`No segment scheme ${request.schemeId}.`);
    } else if (request.schemeId !== null) {
      throw badUserInput("schemeId is only for the SEGMENT breakdown.", "schemeId");
    }
    // Queued behind transactions on SQLite, so a fold half done is never read (readAfterTransactions).
    const byGroup = await readAfterTransactions(this.dataSource, () =>
      this.measures.read({
        granularity: request.granularity, periods, periodBefore: periodBefore(periods[0], request.granularity, this.settings.utcOffsetMinutes), breakdown: request.breakdown, schemeId: request.schemeId, measures: measuresOfKpi[request.kpi],
      }),
    );
    // Without a breakdown the one group is there even when nothing happened, so a chart has its zeros.
    if (request.breakdown === "NONE" && !byGroup.has("ALL")) byGroup.set("ALL", periods.map(() => emptyMeasures()));
    const groups = [...byGroup.keys()].sort();
    return periods.flatMap((period) =>
      groups.map((group) => {
        const { value, figures } = kpiValue(request.kpi, byGroup.get(group)![period.index], { days: period.endDay - period.firstDay, pointValueFen: this.settings.pointValueFen });
        return { periodStart: period.start, periodEnd: period.end, periodLabel: period.label, group, value, figures };
      }),
    );
  }

  /** The same series as CSV text with a header row. */
  async seriesCsv(request: KpiSeriesRequest): Promise<string> {
    return kpiSeriesCsv(request.kpi, await this.series(request));
  }

  private periodsOf(request: KpiSeriesRequest): KpiPeriod[] {
    if (!(request.from < request.to)) throw badUserInput("from must be before to.", "to");
    if (request.kpi === "STICKINESS" && request.granularity === "DAY") {
      throw badUserInput("STICKINESS compares daily actives with the period's actives: use WEEK (DAU/WAU) or MONTH (DAU/MAU).", "granularity");
    }
    const periods = kpiPeriods(request.from, request.to, request.granularity, this.settings.utcOffsetMinutes, maximumKpiPeriods);
    if (!periods) throw badUserInput(`The range holds more than ${maximumKpiPeriods} ${request.granularity.toLowerCase()}s: narrow it or use a coarser granularity.`, "to");
    return periods;
  }
}

