// Keys for the coalition's signatures, derived from the configured secrets so no new secret has to be managed: the
// member code is signed like a token (JWT_SECRET), pseudonyms are keyed like personal data hashes (PERSONAL_DATA_KEY).
import { hkdfSync } from "node:crypto";

export interface CoalitionKeys {
  memberCode: string;
  pseudonym: string;
}

const derive = (secret: string, purpose: string) => Buffer.from(hkdfSync("sha256", secret, "loyalty-graph", purpose, 32)).toString("hex");

export function coalitionKeys(jwtSecret: string, personalDataKey: string): CoalitionKeys {
  return { memberCode: derive(jwtSecret, "member-code"), pseudonym: derive(personalDataKey, "partner-pseudonym") };
}
