// Encrypts personal data at rest (AES-256-GCM) and gives keyed hashes (HMAC-SHA256) for exact look-up.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

const FORMAT_VERSION = "v1";

export class PersonalDataCipher {
  private readonly encryptionKey: Buffer;
  private readonly hashKey: Buffer;

  /** Both keys derive from one secret, so operators manage a single PERSONAL_DATA_KEY. */
  constructor(secret: string) {
    this.encryptionKey = Buffer.from(hkdfSync("sha256", secret, "loyalty-graph", "personal-data-encryption", 32));
    this.hashKey = Buffer.from(hkdfSync("sha256", secret, "loyalty-graph", "personal-data-lookup-hash", 32));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `${FORMAT_VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
  }

  decrypt(sealed: string): string {
    const [version, payload] = sealed.split(":", 2);
    if (version !== FORMAT_VERSION || !payload) throw new Error(`Unsupported personal data format "${version}"`);
    const bytes = Buffer.from(payload, "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.encryptionKey, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  }

  /** Same input, same hash; without the key nobody can test guesses against the table. */
  lookupHash(value: string): string {
    return createHmac("sha256", this.hashKey).update(value).digest("hex");
  }
}
