// The vocabulary of member attributes from the product brief, shared by tables, API and scoring.

export const genders = ["FEMALE", "MALE", "UNDISCLOSED"] as const;
export type Gender = (typeof genders)[number];

export const educationLevels = ["LOW", "MIDDLE", "HIGH"] as const;
export type EducationLevel = (typeof educationLevels)[number];

export const occupations = ["WHITE_COLLAR", "BLUE_COLLAR", "SELF_EMPLOYED", "ENTREPRENEUR", "STUDENT", "RETIRED", "OTHER"] as const;
export type Occupation = (typeof occupations)[number];

export const incomeLevels = ["LOW", "MIDDLE", "HIGH"] as const;
export type IncomeLevel = (typeof incomeLevels)[number];

/** Where a member joined: the brief's omnichannel touch points. */
export const joinChannels = ["OFFLINE_STORE", "ONLINE", "APP", "MINI_PROGRAM"] as const;
export type JoinChannel = (typeof joinChannels)[number];

export const consentChannels = ["SMS", "APP_PUSH", "EMAIL", "WECHAT"] as const;
export type ConsentChannel = (typeof consentChannels)[number];

export const cityTiers = [1, 2, 3] as const;
export type CityTier = (typeof cityTiers)[number];
