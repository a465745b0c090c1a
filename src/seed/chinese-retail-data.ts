// Reference data for realistic demo members of a Chinese retail brand.

/** The most common surnames, weighted roughly by their share of the population. */
export const surnames: readonly (readonly [string, number])[] = [
  ["王", 74], ["李", 72], ["张", 69], ["刘", 54], ["陈", 46], ["杨", 33], ["黄", 25], ["赵", 21], ["吴", 20], ["周", 20],
  ["徐", 16], ["孙", 15], ["马", 15], ["朱", 14], ["胡", 13], ["郭", 12], ["何", 12], ["高", 11], ["林", 11], ["罗", 10],
  ["郑", 10], ["梁", 9], ["谢", 8], ["宋", 7], ["唐", 7], ["许", 7], ["韩", 7], ["冯", 7], ["邓", 7], ["曹", 6],
  ["彭", 6], ["曾", 6], ["肖", 6], ["田", 5], ["董", 5], ["袁", 5], ["潘", 5], ["于", 5], ["蒋", 5], ["蔡", 5],
  ["欧阳", 1], ["司马", 1], ["上官", 1],
];

export const femaleGivenCharacters = ["静", "丽", "敏", "燕", "艳", "娟", "霞", "芳", "娜", "婷", "雪", "琳", "晶", "颖", "慧", "倩", "欣", "怡", "佳", "梦", "雨", "涵", "萱", "悦", "诗", "思", "琪", "璐", "瑶", "晨"];
export const maleGivenCharacters = ["伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "博", "文", "轩", "泽", "睿", "航"];
export const neutralGivenCharacters = ["子", "一", "嘉", "安", "宁", "然", "家", "晓", "春", "秋", "天", "云", "海", "林", "新"];

export interface City {
  name: string;
  tier: 1 | 2 | 3;
  region: string;
}

/** Cities by commercial tier (一线 / 新一线与二线 / 三线及以下), with their region. */
export const cities: readonly City[] = [
  { name: "北京", tier: 1, region: "华北" },
  { name: "上海", tier: 1, region: "华东" },
  { name: "广州", tier: 1, region: "华南" },
  { name: "深圳", tier: 1, region: "华南" },
  { name: "成都", tier: 2, region: "西南" },
  { name: "杭州", tier: 2, region: "华东" },
  { name: "重庆", tier: 2, region: "西南" },
  { name: "武汉", tier: 2, region: "华中" },
  { name: "西安", tier: 2, region: "西北" },
  { name: "苏州", tier: 2, region: "华东" },
  { name: "南京", tier: 2, region: "华东" },
  { name: "天津", tier: 2, region: "华北" },
  { name: "长沙", tier: 2, region: "华中" },
  { name: "郑州", tier: 2, region: "华中" },
  { name: "青岛", tier: 2, region: "华东" },
  { name: "宁波", tier: 2, region: "华东" },
  { name: "东莞", tier: 2, region: "华南" },
  { name: "合肥", tier: 2, region: "华东" },
  { name: "沈阳", tier: 2, region: "东北" },
  { name: "厦门", tier: 2, region: "华东" },
  { name: "昆明", tier: 2, region: "西南" },
  { name: "洛阳", tier: 3, region: "华中" },
  { name: "绵阳", tier: 3, region: "西南" },
  { name: "芜湖", tier: 3, region: "华东" },
  { name: "桂林", tier: 3, region: "华南" },
  { name: "赣州", tier: 3, region: "华东" },
  { name: "宜昌", tier: 3, region: "华中" },
  { name: "湛江", tier: 3, region: "华南" },
  { name: "包头", tier: 3, region: "华北" },
  { name: "吉林", tier: 3, region: "东北" },
  { name: "天水", tier: 3, region: "西北" },
  { name: "遵义", tier: 3, region: "西南" },
  { name: "南通", tier: 3, region: "华东" },
];

/** Mainland mobile prefixes of the three carriers. */
export const mobilePrefixes = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158", "159", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189", "199"];

export const emailDomains: readonly (readonly [string, number])[] = [
  ["qq.com", 50],
  ["163.com", 25],
  ["126.com", 10],
  ["foxmail.com", 5],
  ["outlook.com", 5],
  ["gmail.com", 5],
];
