// What callers may set on a member, validated the same way whichever door it comes through (API, CLI, seed).
import { cityTiers, educationLevels, genders, incomeLevels, joinChannels, occupations, type EducationLevel, type Gender, type IncomeLevel, type JoinChannel, type Occupation } from "../engine";
import { badUserInput } from "../errors";
import type { PersonalDataCipher } from "../privacy/personal-data-cipher";
import { maskEmail, maskPhone, normalizeEmail, normalizePhone } from "../privacy/personal-data-format";
import type { MemberRecord } from "../entities";

export interface MemberProfileChanges {
  name?: string;
  email?: string | null;
  birthday?: string | null;
  gender?: Gender;
  education?: EducationLevel | null;
  occupation?: Occupation | null;
  incomeLevel?: IncomeLevel | null;
  city?: string | null;
  cityTier?: number | null;
  region?: string | null;
}

export interface ConsentChanges {
  sms?: boolean;
  appPush?: boolean;
  email?: boolean;
  wechat?: boolean;
}

export interface NewMember extends MemberProfileChanges {
  name: string;
  phone: string;
  joinChannel: JoinChannel;
  consent?: ConsentChanges;
}

function oneOf<T extends string | number>(values: readonly T[], value: T | null | undefined, field: string): void {
  if (value !== null && value !== undefined && !values.includes(value)) {
    throw badUserInput(`${field} must be one of ${values.join(", ")} (got "${value}").`, field);
  }
}

function boundedText(value: string | null | undefined, field: string, maximum: number): string | null | undefined {
  if (value === null || value === undefined) return value;
  const trimmed = value.trim();
  if (trimmed.length > maximum) throw badUserInput(`${field} must be at most ${maximum} characters (got ${trimmed.length}).`, field);
  return trimmed === "" ? null : trimmed;
}

export function validPhone(phone: string, field = "input.phone"): string {
  const normalized = normalizePhone(phone);
  if (!normalized) throw badUserInput(`${field} must be a mainland China mobile number of 11 digits, e.g. 13812345678.`, field);
  return normalized;
}

function validBirthday(birthday: string, now: Date, field: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthday);
  const date = match ? new Date(`${birthday}T00:00:00Z`) : null;
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birthday) {
    throw badUserInput(`${field} must be a date written YYYY-MM-DD, e.g. 1990-03-14 (got "${birthday}").`, field);
  }
  if (date > now || Number(match[1]) < now.getUTCFullYear() - 120) {
    throw badUserInput(`${field} must be a past date within the last 120 years (got "${birthday}").`, field);
  }
  return birthday;
}

/** Applies validated profile changes to a record; returns the names of the fields that changed. */
export function applyProfileChanges(record: MemberRecord, changes: MemberProfileChanges, cipher: PersonalDataCipher, now: Date, prefix = "input"): string[] {
  const changed: string[] = [];
  const set = <K extends keyof MemberRecord>(key: K, value: MemberRecord[K], field: string) => {
    if (record[key] !== value) {
      record[key] = value;
      if (!changed.includes(field)) changed.push(field);
    }
  };
  if (changes.name !== undefined) {
    const name = boundedText(changes.name, `${prefix}.name`, 64);
    if (!name) throw badUserInput(`${prefix}.name must not be empty.`, `${prefix}.name`);
    set("name", name, "name");
  }
  if (changes.email !== undefined) {
    if (changes.email === null || changes.email.trim() === "") {
      set("emailEncrypted", null, "email");
      set("emailMasked", null, "email");
    } else {
      const email = normalizeEmail(changes.email);
      if (!email) throw badUserInput(`${prefix}.email must be an email address such as name@example.com.`, `${prefix}.email`);
      if (!record.emailEncrypted || cipher.decrypt(record.emailEncrypted) !== email) {
        set("emailEncrypted", cipher.encrypt(email), "email");
        set("emailMasked", maskEmail(email), "email");
      }
    }
  }
  if (changes.birthday !== undefined) {
    set("birthday", changes.birthday === null ? null : validBirthday(changes.birthday, now, `${prefix}.birthday`), "birthday");
  }
  if (changes.gender !== undefined) {
    // The column is required; members who prefer not to say choose UNDISCLOSED.
    if (changes.gender === null) throw badUserInput(`${prefix}.gender cannot be cleared: use UNDISCLOSED instead.`, `${prefix}.gender`);
    oneOf(genders, changes.gender, `${prefix}.gender`);
    set("gender", changes.gender, "gender");
  }
  if (changes.education !== undefined) {
    oneOf(educationLevels, changes.education, `${prefix}.education`);
    set("education", changes.education, "education");
  }
  if (changes.occupation !== undefined) {
    oneOf(occupations, changes.occupation, `${prefix}.occupation`);
    set("occupation", changes.occupation, "occupation");
  }
  if (changes.incomeLevel !== undefined) {
    oneOf(incomeLevels, changes.incomeLevel, `${prefix}.incomeLevel`);
    set("incomeLevel", changes.incomeLevel, "incomeLevel");
  }
  if (changes.city !== undefined) set("city", boundedText(changes.city, `${prefix}.city`, 64) ?? null, "city");
  if (changes.cityTier !== undefined) {
    oneOf<number>(cityTiers, changes.cityTier, `${prefix}.cityTier`);
    set("cityTier", changes.cityTier, "cityTier");
  }
  if (changes.region !== undefined) set("region", boundedText(changes.region, `${prefix}.region`, 32) ?? null, "region");
  return changed;
}

/** Applies consent changes; every change moves consentUpdatedAt, which compliance asks for. */
export function applyConsentChanges(record: MemberRecord, changes: ConsentChanges, now: Date): string[] {
  const changed: string[] = [];
  const pairs: [keyof ConsentChanges, "consentSms" | "consentAppPush" | "consentEmail" | "consentWechat"][] = [
    ["sms", "consentSms"],
    ["appPush", "consentAppPush"],
    ["email", "consentEmail"],
    ["wechat", "consentWechat"],
  ];
  for (const [change, column] of pairs) {
    const value = changes[change];
    if (value !== undefined && value !== null && record[column] !== value) {
      record[column] = value;
      changed.push(`consent.${change}`);
    }
  }
  if (changed.length > 0) record.consentUpdatedAt = now;
  return changed;
}

export function validJoinChannel(joinChannel: JoinChannel, field = "input.joinChannel"): JoinChannel {
  oneOf(joinChannels, joinChannel, field);
  return joinChannel;
}

export function phoneColumns(phone: string, cipher: PersonalDataCipher) {
  return { phoneEncrypted: cipher.encrypt(phone), phoneHash: cipher.lookupHash(phone), phoneMasked: maskPhone(phone) };
}
