// Turns the Authorization header into an identity: Bearer <JWT> for members and staff, ApiKey <key> for partners.
import { anonymous, type Identity } from "../auth/identity";
import { InvalidTokenError } from "../auth/tokens";
import type { Clock } from "../clock";
import { unauthenticated } from "../errors";
import type { Services } from "../services";
import type { AuthenticatedPartnerKey } from "../services/partner-service";

/**
 * `countPartnerRequest` runs once a partner key is known to be valid: HTTP requests count it against the key's
 * rate limit (and may be refused); the WebSocket passes none, as it refuses partner keys before authenticating.
 */
export async function authenticate(
  header: string | undefined | null,
  services: Services,
  clock: Clock,
  countPartnerRequest?: (key: AuthenticatedPartnerKey) => Promise<void>,
): Promise<Identity> {
  if (header === undefined || header === null || header.trim() === "") return anonymous;
  const [scheme, credential, ...rest] = header.trim().split(/\s+/);
  if (!credential || rest.length > 0) throw unauthenticated("The Authorization header must be `Bearer <token>` or `ApiKey <key>`.");
  switch (scheme.toLowerCase()) {
    case "bearer":
      try {
        return await services.tokens.verify(credential, clock.now());
      } catch (error) {
        if (error instanceof InvalidTokenError) throw unauthenticated(error.message);
        throw error;
      }
    case "apikey": {
      const key = await services.partners.authenticateKey(credential);
      await countPartnerRequest?.(key);
      return key.identity;
    }
    default:
      throw unauthenticated(`Unknown authorization scheme "${scheme}": use Bearer <token> or ApiKey <key>.`);
  }
}
