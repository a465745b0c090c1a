// Pure generation of demo member profiles: the same (seed, index, now) always gives the same member.
import type { EducationLevel, Gender, IncomeLevel, JoinChannel, Occupation } from "../engine";
import { cities, emailDomains, femaleGivenCharacters, maleGivenCharacters, mobilePrefixes, neutralGivenCharacters, surnames, type City } from "./chinese-retail-data";
import { randomFor, type Random } from "../engine/random";

export interface DemoMemberProfile {
  name: string;
  phone: string;
  email: string | null;
  birthday: string | null;
  gender: Gender;
  education: EducationLevel | null;
  occupation: Occupation | null;
  incomeLevel: IncomeLevel | null;
  city: string | null;
  cityTier: number | null;
  region: string | null;
  joinChannel: JoinChannel;
  joinedAt: Date;
  /** Index into the tier ladder ordered by rank (0 = entry tier). */
  tierPosition: number;
  consent: { sms: boolean; appPush: boolean; email: boolean; wechat: boolean };
}

const DAY = 86_400_000;
/** The brand has been running its programme for three years. */
const PROGRAMME_AGE_DAYS = 3 * 365;

/** Multiplier and offset of an affine map that is a bijection on 0..99,999,999 (the multiplier is coprime to 10^8). */
const PHONE_MULTIPLIER = 48_271_853;
const PHONE_SPACE = 100_000_000;

/** Eight digits, distinct for every index below 10^8, and scattered so neighbours do not look sequential. */
function phoneSubscriberNumber(seed: number, index: number): string {
  const offset = Number((BigInt(seed >>> 0) * 2_654_435_761n) % BigInt(PHONE_SPACE));
  const value = Number((BigInt(index) * BigInt(PHONE_MULTIPLIER) + BigInt(offset)) % BigInt(PHONE_SPACE));
  return value.toString().padStart(8, "0");
}

function givenName(random: Random, gender: Gender): string {
  const pool = gender === "FEMALE" ? femaleGivenCharacters : gender === "MALE" ? maleGivenCharacters : neutralGivenCharacters;
  const first = random.chance(0.3) ? random.pick(neutralGivenCharacters) : random.pick(pool);
  // About a third of modern given names have one character.
  return random.chance(0.35) ? first : first + random.pick(pool);
}

/** A retail brand's members skew to 25-40 years old. */
function birthday(random: Random, now: Date): { birthday: string; age: number } {
  const age = random.weighted<[number, number]>([
    [[18, 24], 18],
    [[25, 30], 27],
    [[31, 40], 30],
    [[41, 50], 15],
    [[51, 70], 10],
  ]);
  const years = random.integer(age[0], age[1]);
  const date = new Date(now.getTime() - years * 365.25 * DAY - random.integer(0, 364) * DAY);
  return { birthday: date.toISOString().slice(0, 10), age: years };
}

function occupationFor(random: Random, age: number): Occupation {
  if (age <= 22 && random.chance(0.7)) return "STUDENT";
  if (age >= 60 && random.chance(0.7)) return "RETIRED";
  return random.weighted<Occupation>([
    ["WHITE_COLLAR", 45],
    ["BLUE_COLLAR", 20],
    ["SELF_EMPLOYED", 15],
    ["ENTREPRENEUR", 5],
    ["OTHER", 15],
  ]);
}

/** Income follows city tier and occupation: the brief's segments rely on such correlations being present. */
function incomeFor(random: Random, city: City, occupation: Occupation): IncomeLevel {
  let high = [0.3, 0.18, 0.1][city.tier - 1];
  if (occupation === "ENTREPRENEUR") high += 0.35;
  if (occupation === "STUDENT" || occupation === "RETIRED") high = 0.03;
  const low = occupation === "STUDENT" ? 0.7 : [0.15, 0.25, 0.4][city.tier - 1];
  const draw = random.next();
  return draw < high ? "HIGH" : draw < high + low ? "LOW" : "MIDDLE";
}

/** Roughly 70% regular, 20% silver, 8% gold, 2% diamond on the default ladder; geometric for other ladders. */
function tierPositionFor(random: Random, tierCount: number): number {
  const weights = tierCount === 4 ? [70, 20, 8, 2] : Array.from({ length: tierCount }, (_, rank) => 0.3 ** rank);
  return random.weighted(weights.map((weight, position) => [position, weight] as const));
}

export function demoMemberProfile(seed: number, index: number, now: Date, tierCount: number): DemoMemberProfile {
  const random = randomFor(seed, index);
  const gender = random.weighted<Gender>([
    ["FEMALE", 60],
    ["MALE", 35],
    ["UNDISCLOSED", 5],
  ]);
  const name = random.weighted(surnames) + givenName(random, gender);
  const phone = random.pick(mobilePrefixes) + phoneSubscriberNumber(seed, index);
  const cityTier = random.weighted<1 | 2 | 3>([
    [1, 30],
    [2, 45],
    [3, 25],
  ]);
  const city = random.pick(cities.filter((candidate) => candidate.tier === cityTier));
  // Some members never fill in their profile beyond the phone number.
  const sharesProfile = random.chance(0.85);
  const born = random.chance(0.8) ? birthday(random, now) : null;
  const occupation = sharesProfile ? occupationFor(random, born?.age ?? 35) : null;
  const education = sharesProfile ? random.weighted<EducationLevel>([["LOW", 20], ["MIDDLE", 45], ["HIGH", 35]]) : null;
  const joinChannel = random.weighted<JoinChannel>([
    ["MINI_PROGRAM", 40],
    ["OFFLINE_STORE", 30],
    ["APP", 20],
    ["ONLINE", 10],
  ]);
  const tierPosition = tierPositionFor(random, tierCount);
  // Membership grew over the years, so recent joins are more common; higher tiers take time to reach.
  const minimumAgeDays = tierPosition * 60;
  const joinedDaysAgo = minimumAgeDays + Math.floor(random.next() ** 1.6 * (PROGRAMME_AGE_DAYS - minimumAgeDays));
  const joinedAt = new Date(now.getTime() - joinedDaysAgo * DAY - random.integer(0, DAY / 1000 - 1) * 1000);
  const email = random.chance(0.35) ? `${random.integer(10_000, 3_999_999_999)}@${random.weighted(emailDomains)}` : null;
  return {
    name,
    phone,
    email,
    birthday: born?.birthday ?? null,
    gender,
    education,
    occupation,
    incomeLevel: occupation ? incomeFor(random, city, occupation) : null,
    city: city.name,
    cityTier: city.tier,
    region: city.region,
    joinChannel,
    joinedAt,
    tierPosition,
    consent: {
      sms: random.chance(0.6),
      appPush: random.chance(joinChannel === "APP" ? 0.7 : 0.2),
      email: email !== null && random.chance(0.5),
      wechat: random.chance(joinChannel === "MINI_PROGRAM" ? 0.85 : 0.5),
    },
  };
}
