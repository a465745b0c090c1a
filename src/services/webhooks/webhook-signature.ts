// How webhook requests are signed (docs/webhooks.md shows the receiver's side): an HMAC-SHA256 with the endpoint's
// secret over "<timestamp>.<body>", so a receiver can tell the request came from us, unaltered, and recently.
import { createHmac, randomBytes } from "node:crypto";

/** A new endpoint secret: 32 random bytes; the prefix tells people what it is when they find it in a config file. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The `x-loyalty-signature` header value: `sha256=` and the hex HMAC of "<timestamp>.<body>" keyed by the secret's UTF-8 bytes. */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest("hex")}`;
}
