// Demographics the scores are broken down by: age band and city tier.
import { ageBand, type AgeBand } from "../age-band";
import { cityTiers, type CityTier } from "../member-attributes";
import type { MemberActivity } from "./types";

/**
 * Commercial city tiers (一线 / 新一线与二线 / 三线): the same tiers as the demo seed's city list, plus a few
 * more large cities. New first-tier cities are tier 2: the programme has three tiers, not four.
 */
export const cityTierReference: Readonly<Record<CityTier, readonly string[]>> = {
  1: ["北京", "上海", "广州", "深圳"],
  2: ["成都", "杭州", "重庆", "武汉", "西安", "苏州", "南京", "天津", "长沙", "郑州", "青岛", "宁波", "东莞", "合肥", "沈阳", "厦门", "昆明", "佛山", "无锡", "大连", "福州", "济南"],
  3: ["洛阳", "绵阳", "芜湖", "桂林", "赣州", "宜昌", "湛江", "包头", "吉林", "天水", "遵义", "南通", "襄阳", "柳州", "保定"],
};

const tierByCity = new Map<string, CityTier>();
for (const tier of cityTiers) for (const name of cityTierReference[tier]) tierByCity.set(name, tier);

/** The tier of a city name, with or without the 市 suffix; null for a city the table does not know. */
export function cityTierOf(city: string | null): CityTier | null {
  if (city === null) return null;
  const name = city.trim().replace(/市$/, "");
  return tierByCity.get(name) ?? null;
}

/** The member's own recorded tier wins; otherwise the tier of their city. */
export function demographicsOf(activity: MemberActivity, now: Date): { ageBand: AgeBand | null; cityTier: number | null } {
  return { ageBand: ageBand(activity.birthday, now), cityTier: activity.cityTier ?? cityTierOf(activity.city) };
}
