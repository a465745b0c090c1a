import { createHmac } from "node:crypto";
import fc from "fast-check";
import {
  redemptionValueInFen,
  reversalValueInFen,
  benefitEligibility,
  type BenefitTerms,
  benefitShareInFen,
  crockfordAlphabet,
  decodeCrockfordBase32,
  decodeMemberCode,
  encodeCrockfordBase32,
  encodeMemberCode,
  isPartnerPseudonym,
  memberCodeIsFresh,
  type MemberStanding,
  nextStatementPeriod,
  partnerEarnPoints,
  partnerPseudonym,
  pointsValueInFen,
  type SettlementLineKind,
  settlementLineKinds,
  statementPeriodContaining,
  statementTotals,
} from "../../src/engine";

const chinaOffset = 480;
const key = "test-key";
const at = (iso: string) => new Date(iso);
/** The instant a local wall-clock time ("2026-11-23T00:00:00") happens at a fixed UTC offset. */
const local = (wallClock: string, utcOffsetMinutes: number) => new Date(Date.parse(`${wallClock}Z`) - utcOffsetMinutes * 60_000);

/** A bit-by-bit reading of a Crockford base32 text, independent of the engine's decoder. */
function referenceBytes(text: string): number[] {
  const bits = [...text].map((character) => crockfordAlphabet.indexOf(character).toString(2).padStart(5, "0")).join("");
  const bytes: number[] = [];
  for (let offset = 0; offset + 8 <= bits.length; offset += 8) bytes.push(parseInt(bits.slice(offset, offset + 8), 2));
  return bytes;
}

/** Replaces the character at `index` with a different one of the alphabet. */
function flipped(code: string, index: number): string {
  const replacement = code[index] === "0" ? "1" : "0";
  return code.slice(0, index) + replacement + code.slice(index + 1);
}

describe("Crockford base32", () => {
  it("encodes the bit stream five bits a character, padding the last with zeros", () => {
    expect(encodeCrockfordBase32(Uint8Array.of())).toBe("");
    expect(encodeCrockfordBase32(Uint8Array.of(0xff))).toBe("ZW");
    expect(encodeCrockfordBase32(Uint8Array.of(0, 0, 0, 0, 0))).toBe("00000000");
    expect(encodeCrockfordBase32(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff))).toBe("ZZZZZZZZ");
  });

  it("decodes what it encodes, and forgives lower case and O, I and L", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(decodeCrockfordBase32(encodeCrockfordBase32(bytes))).toEqual(bytes);
        expect(decodeCrockfordBase32(encodeCrockfordBase32(bytes).toLowerCase())).toEqual(bytes);
      }),
    );
    expect(decodeCrockfordBase32("oIl1")).toEqual(decodeCrockfordBase32("0111"));
  });

  it("refuses characters outside the alphabet, non-zero padding and impossible lengths", () => {
    expect(decodeCrockfordBase32("ZU")).toBeNull();
    expect(decodeCrockfordBase32("Z-W")).toBeNull();
    expect(decodeCrockfordBase32("ZX")).toBeNull(); // "X" leaves a 1 in the two padding bits
    expect(decodeCrockfordBase32("ZW0")).toBeNull(); // three characters cannot come from whole bytes
  });
});

describe("member codes", () => {
  const expiresAt = at("2026-11-23T08:05:00.000Z");

  it("is LG and 31 Crockford characters: expiry, member id and a truncated HMAC, pinned", () => {
    const code = encodeMemberCode(123456, expiresAt, key);
    // Worked out separately with Python's hmac and base64 modules; a change here voids every code in flight.
    expect(code).toBe("LGDC1Z7B00000Y4G1FK3Z5TWG4S8CEBFG");
    expect(code).toHaveLength(33);
    expect(code).toMatch(/^LG[0-9A-HJKMNP-TV-Z]{31}$/);

    const bytes = Buffer.from(referenceBytes(code.slice(2)));
    expect(bytes).toHaveLength(19);
    expect(bytes.readUInt32BE(0)).toBe(expiresAt.getTime() / 1000);
    expect(bytes.readUIntBE(4, 5)).toBe(123456);
    const mac = createHmac("sha256", key).update(Buffer.concat([Buffer.from("member-code:"), bytes.subarray(0, 9)])).digest();
    expect(bytes.subarray(9).equals(mac.subarray(0, 10))).toBe(true);
  });

  it("decodes to the member and the expiry it was made with", () => {
    expect(decodeMemberCode(encodeMemberCode(123456, expiresAt, key), key)).toEqual({ memberId: 123456, expiresAt });
    expect(decodeMemberCode(encodeMemberCode(0, expiresAt, key), key)).toEqual({ memberId: 0, expiresAt });
    const largest = at("2106-02-07T06:28:15.000Z");
    expect(decodeMemberCode(encodeMemberCode(2 ** 40 - 1, largest, key), key)).toEqual({ memberId: 2 ** 40 - 1, expiresAt: largest });
  });

  it("rounds the expiry down to the second, so a code never outlives what was asked", () => {
    const decoded = decodeMemberCode(encodeMemberCode(5, at("2026-11-23T08:05:00.999Z"), key), key);
    expect(decoded?.expiresAt.toISOString()).toBe("2026-11-23T08:05:00.000Z");
  });

  it("round-trips any member id and expiry (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (memberId, expirySeconds, anyKey) => {
          const code = encodeMemberCode(memberId, new Date(expirySeconds * 1000), anyKey);
          expect(code).toHaveLength(33);
          expect(decodeMemberCode(code, anyKey)).toEqual({ memberId, expiresAt: new Date(expirySeconds * 1000) });
        },
      ),
    );
  });

  it("accepts what people type: lower case, spaces, hyphens and Crockford's O, I and L", () => {
    const code = encodeMemberCode(123456, expiresAt, key);
    const expected = { memberId: 123456, expiresAt };
    expect(decodeMemberCode(code.toLowerCase(), key)).toEqual(expected);
    expect(decodeMemberCode(` ${code.slice(0, 2)}-${code.slice(2, 9)}-${code.slice(9, 20)} ${code.slice(20)} `, key)).toEqual(expected);
    expect(decodeMemberCode(code.match(/.{1,4}/g)!.join("-"), key)).toEqual(expected);
    // The pinned code has 0s and 1s to mistype: "LGDC1Z7B00000Y4G1FK3Z5TWG4S8CEBFG".
    expect(decodeMemberCode(code.replace(/0/g, "O"), key)).toEqual(expected);
    expect(decodeMemberCode(code.replace(/0/g, "o").replace("1", "I").replace("G1", "Gl"), key)).toEqual(expected);
  });

  it("refuses a code with any one character changed", () => {
    const code = encodeMemberCode(123456, expiresAt, key);
    for (let index = 2; index < code.length; index += 1) expect(decodeMemberCode(flipped(code, index), key)).toBeNull();
    expect(decodeMemberCode(`LH${code.slice(2)}`, key)).toBeNull();
  });

  it("refuses a code signed with another key", () => {
    expect(decodeMemberCode(encodeMemberCode(123456, expiresAt, key), "other-key")).toBeNull();
    expect(decodeMemberCode(encodeMemberCode(123456, expiresAt, "other-key"), key)).toBeNull();
  });

  it("refuses malformed codes with null, not an error", () => {
    const code = encodeMemberCode(123456, expiresAt, key);
    for (const malformed of ["", "LG", code.slice(0, -1), `${code}0`, code.slice(2), `XX${code.slice(2)}`, `${code.slice(0, 10)}U${code.slice(11)}`, `${code.slice(0, 10)}*${code.slice(11)}`, `${code.slice(0, -1)}H`]) {
      expect(decodeMemberCode(malformed, key)).toBeNull();
    }
  });

  it("does not check the expiry: memberCodeIsFresh does, with the caller's clock, the expiry itself too late", () => {
    const decoded = decodeMemberCode(encodeMemberCode(7, at("2020-01-01T00:00:00.000Z"), key), key)!;
    expect(decoded.memberId).toBe(7);
    expect(memberCodeIsFresh(decoded, at("2019-12-31T23:59:59.999Z"))).toBe(true);
    expect(memberCodeIsFresh(decoded, at("2020-01-01T00:00:00.000Z"))).toBe(false);
    expect(memberCodeIsFresh(decoded, at("2020-01-01T00:00:00.001Z"))).toBe(false);
  });

  it("throws a RangeError for member ids that do not fit, expiries out of range and an empty key", () => {
    for (const memberId of [-1, 1.5, 2 ** 40, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeMemberCode(memberId, expiresAt, key)).toThrow(RangeError);
    }
    for (const expiry of [at("1969-12-31T23:59:59.000Z"), at("2106-02-07T06:28:16.000Z"), new Date(Number.NaN)]) {
      expect(() => encodeMemberCode(1, expiry, key)).toThrow(RangeError);
    }
    expect(() => encodeMemberCode(1, expiresAt, "")).toThrow(RangeError);
  });
});

describe("partner pseudonyms", () => {
  it("is pm_ and 26 lower-case base32 characters of the keyed hash, pinned", () => {
    // Worked out separately with Python's hmac and base64 modules.
    expect(partnerPseudonym(key, 7, 123456)).toBe("pm_rs5z6mkj9mccj5r0eepfvhh9e8");
    const digest = createHmac("sha256", key).update("partner-pseudonym:7:123456").digest();
    expect(Buffer.from(referenceBytes(partnerPseudonym(key, 7, 123456).slice(3).toUpperCase())).equals(digest.subarray(0, 16))).toBe(true);
  });

  it("is the same on every call, and different for another partner, member or key", () => {
    const pseudonym = partnerPseudonym(key, 7, 123456);
    expect(partnerPseudonym(key, 7, 123456)).toBe(pseudonym);
    expect(partnerPseudonym(key, 8, 123456)).not.toBe(pseudonym);
    expect(partnerPseudonym(key, 7, 123457)).not.toBe(pseudonym);
    expect(partnerPseudonym("other-key", 7, 123456)).not.toBe(pseudonym);
    // The separator keeps partner 1 member 23 apart from partner 12 member 3.
    expect(partnerPseudonym(key, 1, 23)).not.toBe(partnerPseudonym(key, 12, 3));
  });

  it("always has the shape isPartnerPseudonym accepts (property)", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (partnerId, memberId) => {
        const pseudonym = partnerPseudonym(key, partnerId, memberId);
        expect(pseudonym).toHaveLength(29);
        expect(isPartnerPseudonym(pseudonym)).toBe(true);
      }),
    );
  });

  it("isPartnerPseudonym refuses other shapes", () => {
    const pseudonym = partnerPseudonym(key, 7, 123456);
    for (const value of ["", "pm_", pseudonym.toUpperCase(), `PM_${pseudonym.slice(3)}`, pseudonym.slice(1), pseudonym.slice(0, -1), `${pseudonym}0`, `pm_${"u".repeat(26)}`, `pm_${"i".repeat(25)}0`, `pm_${"0".repeat(25)}1`, ` ${pseudonym}`]) {
      expect(isPartnerPseudonym(value)).toBe(false);
    }
  });

  it("throws a RangeError for an empty key and ids that are not whole numbers of 0 or more", () => {
    expect(() => partnerPseudonym("", 7, 1)).toThrow(RangeError);
    expect(() => partnerPseudonym(key, -1, 1)).toThrow(RangeError);
    expect(() => partnerPseudonym(key, 7, 1.5)).toThrow(RangeError);
  });
});

describe("pointsValueInFen", () => {
  it("is points × rate / 100, rounded half away from zero", () => {
    expect(pointsValueInFen(1000, 50)).toBe(500);
    expect(pointsValueInFen(150, 1)).toBe(2); // 1.5
    expect(pointsValueInFen(149, 1)).toBe(1); // 1.49
    expect(pointsValueInFen(50, 1)).toBe(1); // 0.5
    expect(pointsValueInFen(49, 1)).toBe(0);
    expect(pointsValueInFen(0, 80)).toBe(0);
    expect(pointsValueInFen(1000, 0)).toBe(0);
  });

  it("gives negative points exactly the negative value, so an issue and its reversal settle to nothing", () => {
    expect(pointsValueInFen(-150, 1)).toBe(-2);
    expect(pointsValueInFen(-149, 1)).toBe(-1);
    expect(pointsValueInFen(-50, 1)).toBe(-1);
    expect(pointsValueInFen(-1, 1)).toBe(0); // 0, not -0
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 100_000 }), (points, rate) => {
        expect(pointsValueInFen(points, rate) + pointsValueInFen(-points, rate)).toBe(0);
      }),
    );
  });

  it("is exact where a double's product would round wrongly", () => {
    // 999,999,999,051 × 99,999 = 99,998,999,905,100,949 > 2^53; as doubles the division rounds to ...010.
    expect(pointsValueInFen(999_999_999_051, 99_999)).toBe(999_989_999_051_009);
    expect(pointsValueInFen(-999_999_999_051, 99_999)).toBe(-999_989_999_051_009);
  });

  it("throws a RangeError for non-integers, a negative rate and a value too large to count exactly", () => {
    expect(() => pointsValueInFen(1.5, 10)).toThrow(RangeError);
    expect(() => pointsValueInFen(10, 0.5)).toThrow(RangeError);
    expect(() => pointsValueInFen(Number.NaN, 10)).toThrow(RangeError);
    expect(() => pointsValueInFen(10, -1)).toThrow(RangeError);
    expect(() => pointsValueInFen(Number.MAX_SAFE_INTEGER, 1000)).toThrow(RangeError);
  });
});

describe("benefitShareInFen", () => {
  it("is value × percent / 100, rounded half up", () => {
    expect(benefitShareInFen(5000, 40)).toBe(2000);
    expect(benefitShareInFen(999, 50)).toBe(500); // 499.5
    expect(benefitShareInFen(1, 50)).toBe(1); // 0.5
    expect(benefitShareInFen(1, 49)).toBe(0);
    expect(benefitShareInFen(1234, 100)).toBe(1234);
    expect(benefitShareInFen(1234, 0)).toBe(0);
  });

  it("is exact for large values", () => {
    // 1,000,000,000,000,053 × 33 / 100 = 330,000,000,000,017.49; as doubles it rounds to ...018.
    expect(benefitShareInFen(1_000_000_000_000_053, 33)).toBe(330_000_000_000_017);
  });

  it("throws a RangeError for a percent outside 0-100 or not whole, and a value that is negative or not whole", () => {
    for (const percent of [-1, 101, 12.5]) expect(() => benefitShareInFen(100, percent)).toThrow(RangeError);
    for (const value of [-1, 0.5]) expect(() => benefitShareInFen(value, 10)).toThrow(RangeError);
  });
});

describe("partnerEarnPoints", () => {
  it("is amount × points per 100 yuan / 10,000 fen, rounded down", () => {
    expect(partnerEarnPoints(10_000, 100)).toBe(100);
    expect(partnerEarnPoints(9_999, 100)).toBe(99); // 99.99
    expect(partnerEarnPoints(9_999, 1)).toBe(0);
    expect(partnerEarnPoints(25_050, 10)).toBe(25); // 25.05
    expect(partnerEarnPoints(0, 100)).toBe(0);
  });

  it("is exact for a trillion fen at a rate of 100,000, past 2^53", () => {
    expect(partnerEarnPoints(1e12, 100_000)).toBe(1e13);
    // 999,999,990,001 × 99,999 is 1 short of a multiple of 10,000; as a double it rounds up onto it.
    expect(partnerEarnPoints(999_999_990_001, 99_999)).toBe(9_999_899_900_010);
  });

  it("throws a RangeError for negative or fractional amounts and rates", () => {
    expect(() => partnerEarnPoints(-100, 10)).toThrow(RangeError);
    expect(() => partnerEarnPoints(100, -10)).toThrow(RangeError);
    expect(() => partnerEarnPoints(100.5, 10)).toThrow(RangeError);
    expect(() => partnerEarnPoints(100, 1.5)).toThrow(RangeError);
  });
});

describe("statementPeriodContaining: MONTHLY", () => {
  it("is the local calendar month in China (+480): it starts at local midnight of the 1st, 16:00 UTC the day before", () => {
    const november = { start: "2026-10-31T16:00:00.000Z", end: "2026-11-30T16:00:00.000Z", label: "2026-11" };
    const of = (instant: Date) => {
      const period = statementPeriodContaining(instant, "MONTHLY", chinaOffset);
      return { start: period.start.toISOString(), end: period.end.toISOString(), label: period.label };
    };
    expect(of(at("2026-11-15T04:00:00.000Z"))).toEqual(november);
    expect(of(at("2026-10-31T16:00:00.000Z"))).toEqual(november); // 1 November 00:00 local
    expect(of(at("2026-11-30T15:59:59.999Z"))).toEqual(november); // 30 November 23:59:59.999 local
    expect(of(at("2026-11-30T16:00:00.000Z")).label).toBe("2026-12"); // 1 December 00:00 local, still November in UTC
    expect(of(at("2026-10-31T15:59:59.999Z")).label).toBe("2026-10");
  });

  it("follows the offset: UTC and a negative offset put the same instants in other months", () => {
    expect(statementPeriodContaining(at("2026-11-30T16:00:00.000Z"), "MONTHLY", 0)).toEqual({ start: at("2026-11-01T00:00:00.000Z"), end: at("2026-12-01T00:00:00.000Z"), label: "2026-11" });
    expect(statementPeriodContaining(at("2026-12-01T00:00:00.000Z"), "MONTHLY", 0).label).toBe("2026-12");
    // UTC-5: 1 December 03:00 UTC is still 30 November 22:00 local.
    expect(statementPeriodContaining(at("2026-12-01T03:00:00.000Z"), "MONTHLY", -300)).toEqual({ start: at("2026-11-01T05:00:00.000Z"), end: at("2026-12-01T05:00:00.000Z"), label: "2026-11" });
    expect(statementPeriodContaining(at("2026-12-01T05:00:00.000Z"), "MONTHLY", -300).label).toBe("2026-12");
  });

  it("crosses the year and keeps each month's length", () => {
    const december = statementPeriodContaining(local("2026-12-31T23:59:59.999", chinaOffset), "MONTHLY", chinaOffset);
    expect(december).toEqual({ start: local("2026-12-01T00:00:00", chinaOffset), end: local("2027-01-01T00:00:00", chinaOffset), label: "2026-12" });
    const january = nextStatementPeriod(december, "MONTHLY", chinaOffset);
    expect(january).toEqual({ start: december.end, end: local("2027-02-01T00:00:00", chinaOffset), label: "2027-01" });
    const february2028 = statementPeriodContaining(local("2028-02-10T12:00:00", chinaOffset), "MONTHLY", chinaOffset);
    expect((february2028.end.getTime() - february2028.start.getTime()) / 86_400_000).toBe(29);
  });
});

describe("statementPeriodContaining: WEEKLY", () => {
  it("is the ISO week from Monday 00:00 local in China (+480)", () => {
    // Monday 23 November 2026 00:00 local is 22 November 16:00 UTC.
    const week48 = { start: at("2026-11-22T16:00:00.000Z"), end: at("2026-11-29T16:00:00.000Z"), label: "2026-W48" };
    expect(statementPeriodContaining(at("2026-11-22T16:00:00.000Z"), "WEEKLY", chinaOffset)).toEqual(week48);
    expect(statementPeriodContaining(at("2026-11-25T09:30:00.000Z"), "WEEKLY", chinaOffset)).toEqual(week48);
    expect(statementPeriodContaining(at("2026-11-29T15:59:59.999Z"), "WEEKLY", chinaOffset)).toEqual(week48); // Sunday 23:59:59.999
    expect(statementPeriodContaining(at("2026-11-22T15:59:59.999Z"), "WEEKLY", chinaOffset).label).toBe("2026-W47");
    expect(statementPeriodContaining(at("2026-11-29T16:00:00.000Z"), "WEEKLY", chinaOffset).label).toBe("2026-W49");
  });

  it("follows the offset: UTC and a negative offset", () => {
    expect(statementPeriodContaining(at("2026-11-22T16:00:00.000Z"), "WEEKLY", 0)).toEqual({ start: at("2026-11-16T00:00:00.000Z"), end: at("2026-11-23T00:00:00.000Z"), label: "2026-W47" });
    expect(statementPeriodContaining(at("2026-11-23T00:00:00.000Z"), "WEEKLY", 0).label).toBe("2026-W48");
    // UTC-8: Monday 23 November 00:00 local is 08:00 UTC.
    expect(statementPeriodContaining(at("2026-11-23T07:59:59.999Z"), "WEEKLY", -480).label).toBe("2026-W47");
    expect(statementPeriodContaining(at("2026-11-23T08:00:00.000Z"), "WEEKLY", -480)).toEqual({ start: at("2026-11-23T08:00:00.000Z"), end: at("2026-11-30T08:00:00.000Z"), label: "2026-W48" });
  });

  it("labels weeks by the ISO week-numbering year at the turn of the year (2027-01-01 is in 2026-W53)", () => {
    const week53 = statementPeriodContaining(local("2027-01-01T00:00:00", chinaOffset), "WEEKLY", chinaOffset);
    expect(week53).toEqual({ start: local("2026-12-28T00:00:00", chinaOffset), end: local("2027-01-04T00:00:00", chinaOffset), label: "2026-W53" });
    expect(nextStatementPeriod(week53, "WEEKLY", chinaOffset).label).toBe("2027-W01");
    // Worked out with Python's date.isocalendar().
    const known: [string, string][] = [
      ["2015-01-01", "2015-W01"], ["2015-12-31", "2015-W53"], ["2016-01-01", "2015-W53"], ["2017-01-01", "2016-W52"],
      ["2018-01-01", "2018-W01"], ["2018-12-31", "2019-W01"], ["2019-12-31", "2020-W01"], ["2020-12-31", "2020-W53"],
      ["2021-01-01", "2020-W53"], ["2022-01-01", "2021-W52"], ["2023-01-01", "2022-W52"], ["2024-01-01", "2024-W01"],
      ["2024-12-31", "2025-W01"], ["2025-12-28", "2025-W52"], ["2025-12-31", "2026-W01"], ["2026-01-01", "2026-W01"],
      ["2026-12-28", "2026-W53"], ["2027-12-31", "2027-W52"], ["2028-01-01", "2027-W52"], ["2029-12-31", "2030-W01"],
      ["2031-12-31", "2032-W01"],
    ];
    for (const [date, label] of known) {
      for (const offset of [chinaOffset, 0, -300]) {
        for (const time of ["00:00:00", "23:59:59.999"]) {
          expect(statementPeriodContaining(local(`${date}T${time}`, offset), "WEEKLY", offset).label).toBe(label);
        }
      }
    }
  });

  it("lines weeks up end to start, each seven days from a Monday, across years (property)", () => {
    fc.assert(
      fc.property(fc.date({ min: at("2000-01-01T00:00:00.000Z"), max: at("2100-01-01T00:00:00.000Z"), noInvalidDate: true }), fc.constantFrom(chinaOffset, 0, -300, 345), (instant, offset) => {
        for (const kind of ["WEEKLY", "MONTHLY"] as const) {
          const period = statementPeriodContaining(instant, kind, offset);
          expect(period.start.getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(period.end.getTime()).toBeGreaterThan(instant.getTime());
          const next = nextStatementPeriod(period, kind, offset);
          expect(next.start).toEqual(period.end);
          expect(next.label).not.toBe(period.label);
        }
        const week = statementPeriodContaining(instant, "WEEKLY", offset);
        expect(week.end.getTime() - week.start.getTime()).toBe(7 * 86_400_000);
        expect(new Date(week.start.getTime() + offset * 60_000).getUTCDay()).toBe(1);
        expect(new Date(week.start.getTime() + offset * 60_000).getUTCHours()).toBe(0);
      }),
    );
  });

  it("throws a RangeError for an invalid instant or offset", () => {
    expect(() => statementPeriodContaining(new Date(Number.NaN), "WEEKLY", chinaOffset)).toThrow(RangeError);
    expect(() => statementPeriodContaining(at("2026-11-23T00:00:00.000Z"), "MONTHLY", 1440)).toThrow(RangeError);
    expect(() => statementPeriodContaining(at("2026-11-23T00:00:00.000Z"), "MONTHLY", 7.5)).toThrow(RangeError);
  });
});

describe("statementTotals", () => {
  it("adds points by kind, counts benefits, and splits amounts by who owes whom", () => {
    const totals = statementTotals([
      { kind: "POINTS_ISSUED", points: 1000, amount: 500 },
      { kind: "POINTS_ISSUED", points: 200, amount: 100 },
      { kind: "POINTS_ISSUE_REVERSED", points: -200, amount: -100 },
      { kind: "POINTS_REDEEMED", points: 300, amount: -240 },
      { kind: "BENEFIT_REDEEMED", points: 0, amount: -1500 },
      { kind: "BENEFIT_REDEEMED", points: 0, amount: -1500 },
      { kind: "ADJUSTMENT", points: 0, amount: 77 },
      { kind: "ADJUSTMENT", points: 0, amount: -7 },
    ]);
    expect(totals).toEqual({
      pointsIssued: 1000,
      pointsRedeemed: 300,
      benefitsRedeemed: 2,
      owedByPartner: 677,
      owedToPartner: 3347,
      netAmount: -2670,
      lineCount: 8,
    });
  });

  it("is all zeros for no lines", () => {
    expect(statementTotals([])).toEqual({ pointsIssued: 0, pointsRedeemed: 0, benefitsRedeemed: 0, owedByPartner: 0, owedToPartner: 0, netAmount: 0, lineCount: 0 });
  });

  it("net = owed by partner − owed to partner = the sum of the amounts (property)", () => {
    const line = fc.record({
      kind: fc.constantFrom<SettlementLineKind>(...settlementLineKinds),
      points: fc.integer({ min: -1e9, max: 1e9 }),
      amount: fc.integer({ min: -1e10, max: 1e10 }),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 50 }), (lines) => {
        const totals = statementTotals(lines);
        expect(totals.netAmount).toBe(totals.owedByPartner - totals.owedToPartner);
        expect(totals.netAmount).toBe(lines.reduce((sum, each) => sum + each.amount, 0));
        expect(totals.owedByPartner).toBeGreaterThanOrEqual(0);
        expect(totals.owedToPartner).toBeGreaterThanOrEqual(0);
        expect(totals.lineCount).toBe(lines.length);
        expect(totals.benefitsRedeemed).toBe(lines.filter((each) => each.kind === "BENEFIT_REDEEMED").length);
      }),
    );
  });

  it("throws a RangeError for a line with fractional points or amount", () => {
    expect(() => statementTotals([{ kind: "ADJUSTMENT", points: 0, amount: 0.5 }])).toThrow(RangeError);
  });
});

describe("benefitEligibility", () => {
  const now = at("2026-11-23T08:00:00.000Z");
  const terms: BenefitTerms = {
    status: "ACTIVE",
    validFrom: at("2026-11-01T00:00:00.000Z"),
    validUntil: at("2026-12-01T00:00:00.000Z"),
    stock: 100,
    redeemedCount: 20,
    perMemberLimit: 3,
    eligibleTierCodes: ["GOLD", "PLATINUM"],
    eligibleSegmentIds: [12, 15],
  };
  const member: MemberStanding = { tierCode: "GOLD", segmentIds: [3, 15], usesSoFar: 1 };

  it("is eligible with the member's uses left, capped by the stock", () => {
    expect(benefitEligibility(terms, member, now)).toEqual({ eligible: true, usesLeft: 2 });
    expect(benefitEligibility({ ...terms, stock: 1 }, member, now)).toEqual({ eligible: true, usesLeft: 1 });
    expect(benefitEligibility({ ...terms, stock: null, perMemberLimit: 50 }, member, now)).toEqual({ eligible: true, usesLeft: 49 });
  });

  it("treats no tiers as every tier and no segments as no condition", () => {
    const open = { ...terms, eligibleTierCodes: [], eligibleSegmentIds: [] };
    expect(benefitEligibility(open, { tierCode: "BRONZE", segmentIds: [], usesSoFar: 0 }, now)).toEqual({ eligible: true, usesLeft: 3 });
  });

  it("refuses a withdrawn benefit", () => {
    expect(benefitEligibility({ ...terms, status: "WITHDRAWN" }, member, now)).toEqual({ eligible: false, reason: "WITHDRAWN", message: "This benefit has been withdrawn and can no longer be used." });
  });

  it("is valid from validFrom itself and no longer at validUntil", () => {
    expect(benefitEligibility(terms, member, at("2026-11-01T00:00:00.000Z")).eligible).toBe(true);
    expect(benefitEligibility(terms, member, at("2026-10-31T23:59:59.999Z"))).toEqual({ eligible: false, reason: "NOT_YET_VALID", message: "This benefit can be used from 2026-11-01T00:00:00.000Z." });
    expect(benefitEligibility(terms, member, at("2026-11-30T23:59:59.999Z")).eligible).toBe(true);
    expect(benefitEligibility(terms, member, at("2026-12-01T00:00:00.000Z"))).toEqual({ eligible: false, reason: "EXPIRED", message: "This benefit expired at 2026-12-01T00:00:00.000Z." });
    expect(benefitEligibility({ ...terms, validUntil: null }, member, at("2099-01-01T00:00:00.000Z")).eligible).toBe(true);
  });

  it("refuses when no stock is left", () => {
    expect(benefitEligibility({ ...terms, stock: 0 }, member, now)).toEqual({ eligible: false, reason: "OUT_OF_STOCK", message: "This benefit ran out of stock." });
  });

  it("refuses a member of another tier, naming the tiers it is for", () => {
    const silver = { ...member, tierCode: "SILVER" };
    expect(benefitEligibility(terms, silver, now)).toEqual({ eligible: false, reason: "TIER", message: "This benefit is for GOLD or PLATINUM members." });
    expect(benefitEligibility({ ...terms, eligibleTierCodes: ["GOLD"] }, silver, now)).toMatchObject({ message: "This benefit is for GOLD members." });
    expect(benefitEligibility({ ...terms, eligibleTierCodes: ["GOLD", "PLATINUM", "DIAMOND"] }, silver, now)).toMatchObject({ message: "This benefit is for GOLD, PLATINUM or DIAMOND members." });
  });

  it("refuses a member in none of the benefit's segments", () => {
    expect(benefitEligibility(terms, { ...member, segmentIds: [3, 4] }, now)).toEqual({ eligible: false, reason: "SEGMENT", message: "This benefit is for members of particular segments, and the member is in none of them." });
    expect(benefitEligibility(terms, { ...member, segmentIds: [] }, now)).toMatchObject({ reason: "SEGMENT" });
  });

  it("refuses a member who has used up the limit, saying how many times", () => {
    expect(benefitEligibility({ ...terms, perMemberLimit: 1 }, member, now)).toEqual({ eligible: false, reason: "LIMIT_REACHED", message: "The member has used this benefit 1 time, its limit." });
    expect(benefitEligibility(terms, { ...member, usesSoFar: 3 }, now)).toMatchObject({ message: "The member has used this benefit 3 times, its limit." });
    expect(benefitEligibility({ ...terms, perMemberLimit: 2 }, { ...member, usesSoFar: 4 }, now)).toMatchObject({ reason: "LIMIT_REACHED", message: "The member has used this benefit 4 times, more than its limit of 2." });
  });

  it("gives the first reason in the order withdrawn, not yet valid, expired, stock, tier, segment, limit", () => {
    const hopelessMember: MemberStanding = { tierCode: "SILVER", segmentIds: [], usesSoFar: 9 };
    const reasons: string[] = [];
    // Each step repairs the reason just seen, so the next one shows.
    let current: BenefitTerms = { ...terms, status: "WITHDRAWN", validFrom: at("2027-01-01T00:00:00.000Z"), validUntil: at("2026-01-01T00:00:00.000Z"), stock: 0 };
    let standing = hopelessMember;
    const repairs: Record<string, () => void> = {
      WITHDRAWN: () => (current = { ...current, status: "ACTIVE" }),
      NOT_YET_VALID: () => (current = { ...current, validFrom: terms.validFrom }),
      EXPIRED: () => (current = { ...current, validUntil: terms.validUntil }),
      OUT_OF_STOCK: () => (current = { ...current, stock: 5 }),
      TIER: () => (standing = { ...standing, tierCode: "PLATINUM" }),
      SEGMENT: () => (standing = { ...standing, segmentIds: [12] }),
      LIMIT_REACHED: () => (standing = { ...standing, usesSoFar: 0 }),
    };
    for (;;) {
      const result = benefitEligibility(current, standing, now);
      if (result.eligible) break;
      reasons.push(result.reason);
      repairs[result.reason]!();
    }
    expect(reasons).toEqual(["WITHDRAWN", "NOT_YET_VALID", "EXPIRED", "OUT_OF_STOCK", "TIER", "SEGMENT", "LIMIT_REACHED"]);
    expect(benefitEligibility(current, standing, now)).toEqual({ eligible: true, usesLeft: 3 });
  });
});

describe("splitting refunds and redemptions never pays a partner more", () => {
  it("credits an order's refunds, however split, exactly what its issue cost", () => {
    const value = pointsValueInFen;
    const reversal = reversalValueInFen;
    const issued = value(10, 50);
    expect(issued).toBe(5);
    let credited = 0;
    for (let before = 0; before < 10; before += 1) credited += reversal(before, 1, 50);
    expect(credited).toBe(issued);
    expect(reversal(0, 10, 50)).toBe(issued);
    expect(reversal(3, 4, 33) + reversal(0, 3, 33) + reversal(7, 3, 33)).toBe(value(10, 33));
  });

  it("pays for spent points rounded down, so many small redemptions are worth no more than one big one", () => {
    const paid = redemptionValueInFen;
    expect(paid(1, 50)).toBe(0);
    expect(paid(3, 50)).toBe(1);
    expect(paid(10, 50)).toBe(5);
    expect(Array.from({ length: 10 }, () => paid(1, 50)).reduce((sum, fen) => sum + fen, 0)).toBeLessThanOrEqual(paid(10, 50));
  });
});
