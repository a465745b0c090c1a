// Partner API keys: `lgk_<keyId>_<secret>`. The key id finds the row; the secret is checked against its hash.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface GeneratedApiKey {
  key: string;
  keyId: string;
  secretHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { key: `lgk_${keyId}_${secret}`, keyId, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { keyId: string; secret: string } | null {
  const match = /^lgk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(key);
  return match ? { keyId: match[1], secret: match[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function secretMatches(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), "hex");
  const expected = Buffer.from(expectedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
