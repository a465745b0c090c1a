// One set of DataLoaders per request (never shared: a loader caches what one caller may see).
import DataLoader from "dataloader";
import { In, type DataSource } from "typeorm";
import { MemberScoreRecord, PartnerApiKeyRecord, PointAccountRecord, TierRecord } from "../entities";

function byId<Record extends { id: number }>(ids: readonly number[], rows: Record[]): (Record | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

export function createLoaders(dataSource: DataSource) {
  return {
    tierById: new DataLoader<number, TierRecord | null>(async (ids) => byId(ids, await dataSource.getRepository(TierRecord).findBy({ id: In([...ids]) }))),
    pointAccountByMemberId: new DataLoader<number, PointAccountRecord | null>(async (memberIds) => {
      const accounts = await dataSource.getRepository(PointAccountRecord).findBy({ memberId: In([...memberIds]) });
      const byMember = new Map(accounts.map((account) => [account.memberId, account]));
      return memberIds.map((memberId) => byMember.get(memberId) ?? null);
    }),
    scoresByMemberId: new DataLoader<number, MemberScoreRecord | null>(async (memberIds) => {
      const scores = await dataSource.getRepository(MemberScoreRecord).findBy({ memberId: In([...memberIds]) });
      const byMember = new Map(scores.map((score) => [score.memberId, score]));
      return memberIds.map((memberId) => byMember.get(memberId) ?? null);
    }),
    apiKeysByPartnerId: new DataLoader<number, PartnerApiKeyRecord[]>(async (partnerIds) => {
      const keys = await dataSource.getRepository(PartnerApiKeyRecord).find({ where: { partnerId: In([...partnerIds]) }, order: { id: "ASC" } });
      return partnerIds.map((partnerId) => keys.filter((key) => key.partnerId === partnerId));
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
