// Turns the Authorization header into an identity: Bearer <JWT> for members and staff, ApiKey <key> for partners.
import { anonymous, type Identity } from "../auth/identity";
import { InvalidTokenError } from "../auth/tokens";
import type { Clock } from "../clock";
import { unauthenticated } from "../errors";
import type { Services } from "../services";

export async function authenticate(header: string | undefined | null, services: Services, clock: Clock): Promise<Identity> {
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
    case "apikey":
      return services.partners.authenticate(credential);
    default:
      throw unauthenticated(`Unknown authorization scheme "${scheme}": use Bearer <token> or ApiKey <key>.`);
  }
}
