// Age bands of the brief (18-25, 26-35, 36-45, 46-55, 56+); time is a parameter.

export const ageBands = ["UNDER_18", "AGE_18_25", "AGE_26_35", "AGE_36_45", "AGE_46_55", "AGE_56_PLUS"] as const;
export type AgeBand = (typeof ageBands)[number];

/** Whole years between a birthday (YYYY-MM-DD) and a moment, counted in UTC. */
export function ageInYears(birthday: string, now: Date): number {
  const [year, month, day] = birthday.split("-").map(Number);
  let age = now.getUTCFullYear() - year;
  const beforeBirthdayThisYear = now.getUTCMonth() + 1 < month || (now.getUTCMonth() + 1 === month && now.getUTCDate() < day);
  if (beforeBirthdayThisYear) age -= 1;
  return age;
}

export function ageBand(birthday: string | null, now: Date): AgeBand | null {
  if (!birthday) return null;
  const age = ageInYears(birthday, now);
  if (age < 18) return "UNDER_18";
  if (age <= 25) return "AGE_18_25";
  if (age <= 35) return "AGE_26_35";
  if (age <= 45) return "AGE_36_45";
  if (age <= 55) return "AGE_46_55";
  return "AGE_56_PLUS";
}
