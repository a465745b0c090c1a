// Two demo partner brands with agreements and benefits, so a fresh installation shows the coalition working. No
// API keys: a key is a secret, issued by staff (issuePartnerApiKey) and shown once. Partners' activity comes from
// their tills through the API, so the demo has none yet.
import type { DataSource } from "typeorm";
import { addDays } from "../engine";
import { PartnerAgreementRecord, PartnerBenefitRecord, PartnerRecord, type PartnerBenefitKind } from "../entities";

interface DemoBenefit {
  code: string;
  title: string;
  kind: PartnerBenefitKind;
  valueFen: number;
  coalitionSharePercent: number;
  stock: number | null;
  perMemberLimit: number;
  eligibleTierCodes: string[];
}

const demoPartners: { code: string; name: string; contactName: string; contactEmail: string; terms: Omit<PartnerAgreementRecord, "id" | "partnerId" | "effectiveFrom" | "createdBy" | "createdAt">; benefits: DemoBenefit[] }[] = [
  {
    code: "BEAN_CAFE",
    name: "豆子咖啡",
    contactName: "陈晓",
    contactEmail: "partners@beancafe.example.com",
    terms: { earnPointsPer100Yuan: 100, issuedPointValue: 100, redeemedPointValue: 90, benefitSharePercent: 50, statementPeriod: "MONTHLY" },
    benefits: [
      { code: "LATTE_GIFT", title: "拿铁一杯 Free latte", kind: "GIFT", valueFen: 2800, coalitionSharePercent: 50, stock: 1000, perMemberLimit: 1, eligibleTierCodes: [] },
      { code: "SIZE_UPGRADE", title: "免费升杯 Free size upgrade", kind: "SERVICE", valueFen: 500, coalitionSharePercent: 0, stock: null, perMemberLimit: 10, eligibleTierCodes: ["GOLD", "DIAMOND"] },
    ],
  },
  {
    code: "CITY_CINEMA",
    name: "城市影院",
    contactName: "林峰",
    contactEmail: "coalition@citycinema.example.com",
    terms: { earnPointsPer100Yuan: 50, issuedPointValue: 100, redeemedPointValue: 80, benefitSharePercent: 30, statementPeriod: "MONTHLY" },
    benefits: [{ code: "TICKET_20_OFF", title: "电影票立减20元 20 yuan off a ticket", kind: "DISCOUNT", valueFen: 2000, coalitionSharePercent: 30, stock: 5000, perMemberLimit: 2, eligibleTierCodes: ["SILVER", "GOLD", "DIAMOND"] }],
  },
];

/** Unless any partner exists already. */
export async function seedDemoPartners(dataSource: DataSource, now: Date): Promise<void> {
  if ((await dataSource.getRepository(PartnerRecord).count()) > 0) return;
  // Agreements that started two months ago: the settlement job closes their past (empty) months into statements.
  const effectiveFrom = addDays(now, -60);
  for (const partner of demoPartners) {
    const inserted = await dataSource.getRepository(PartnerRecord).insert({ code: partner.code, name: partner.name, contactName: partner.contactName, contactEmail: partner.contactEmail, status: "ACTIVE", createdAt: effectiveFrom });
    const partnerId = Number(inserted.identifiers[0]?.id);
    await dataSource.getRepository(PartnerAgreementRecord).insert({ partnerId, ...partner.terms, effectiveFrom, createdBy: "system:seed", createdAt: effectiveFrom });
    await dataSource.getRepository(PartnerBenefitRecord).insert(
      partner.benefits.map((benefit) => ({ partnerId, ...benefit, description: null, redeemedCount: 0, eligibleSegmentIds: [], validFrom: effectiveFrom, validUntil: null, status: "ACTIVE" as const, createdAt: effectiveFrom, updatedAt: effectiveFrom })),
    );
  }
}
