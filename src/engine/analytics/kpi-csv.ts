// A KPI series as CSV (RFC 4180) for analysts' spreadsheets: one row per period and group, the value and the
// figures it came from, times in ISO 8601 UTC.
import { figureNamesOfKpi, type KpiFigure, type KpiName } from "./kpi-definitions";

/** One point of a KPI series: a period and a group, the value and the figures it came from. */
export interface KpiPoint {
  periodStart: Date;
  periodEnd: Date;
  periodLabel: string;
  group: string;
  value: number | null;
  figures: KpiFigure[];
}

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function numberCell(value: number | null): string {
  return value === null ? "" : String(value);
}

export function kpiSeriesCsv(kpi: KpiName, points: readonly KpiPoint[]): string {
  const figureNames = figureNamesOfKpi(kpi);
  const header = ["kpi", "period_start", "period_end", "period_label", "group", "value", ...figureNames];
  const rows = points.map((point) => {
    const byName = new Map(point.figures.map((figure) => [figure.name, figure.value]));
    return [kpi, point.periodStart.toISOString(), point.periodEnd.toISOString(), point.periodLabel, cell(point.group), numberCell(point.value), ...figureNames.map((name) => numberCell(byName.get(name) ?? null))];
  });
  return [header, ...rows].map((row) => row.join(",")).join("\r\n") + "\r\n";
}
