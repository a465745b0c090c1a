// Local dates written YYYY-MM-DD and their day numbers (days since 1970-01-01), the KPI facts' days: a local date's
// number is the same whatever the programme's time zone, since the date is already local.

const millisecondsPerDay = 86_400_000;

/** The day number of a YYYY-MM-DD date; null when the text is not a real calendar date. */
export function dayOfLocalDate(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text ? null : time / millisecondsPerDay;
}

/** YYYY-MM-DD of a day number. */
export function localDateOfDay(day: number): string {
  return new Date(day * millisecondsPerDay).toISOString().slice(0, 10);
}
