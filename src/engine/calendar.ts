// Calendar arithmetic in the programme's business time zone, given as a fixed UTC offset (China: +480 minutes, no DST).

const minute = 60_000;
const day = 86_400_000;

/** Adds calendar months, keeping the day of month where it exists (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(instant: Date, months: number): Date {
  const result = new Date(instant.getTime());
  const dayOfMonth = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const daysInMonth = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(dayOfMonth, daysInMonth));
  return result;
}

/** Adds calendar months as the business zone's calendar counts them: 1 March 01:00 local + 1 month = 1 April 01:00 local. */
export function addLocalMonths(instant: Date, months: number, utcOffsetMinutes: number): Date {
  const shift = utcOffsetMinutes * minute;
  return new Date(addMonths(new Date(instant.getTime() + shift), months).getTime() - shift);
}

export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * day);
}

/** The local calendar fields of an instant in the business zone. */
function localFields(instant: Date, utcOffsetMinutes: number): { year: number; month: number; date: number } {
  const local = new Date(instant.getTime() + utcOffsetMinutes * minute);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth(), date: local.getUTCDate() };
}

/** The instant local midnight of year/month/date happens in the business zone. */
function localMidnight(year: number, month: number, date: number, utcOffsetMinutes: number): Date {
  return new Date(Date.UTC(year, month, date) - utcOffsetMinutes * minute);
}

export function startOfLocalDay(instant: Date, utcOffsetMinutes: number): Date {
  const { year, month, date } = localFields(instant, utcOffsetMinutes);
  return localMidnight(year, month, date, utcOffsetMinutes);
}

export function startOfLocalMonth(instant: Date, utcOffsetMinutes: number): Date {
  const { year, month } = localFields(instant, utcOffsetMinutes);
  return localMidnight(year, month, 1, utcOffsetMinutes);
}

export function startOfLocalYear(instant: Date, utcOffsetMinutes: number, yearsLater = 0): Date {
  const { year } = localFields(instant, utcOffsetMinutes);
  return localMidnight(year + yearsLater, 0, 1, utcOffsetMinutes);
}
