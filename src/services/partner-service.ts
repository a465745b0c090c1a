import { runInTransaction } from "../database/transactions";
import { IsNull, type DataSource } from "typeorm";
import { generateApiKey, parseApiKey, secretMatches } from "../auth/api-keys";
import type { Identity } from "../auth/identity";
import { partnerScopes, type PartnerScope } from "../auth/permissions";
import type { Clock } from "../clock";
import { PartnerApiKeyRecord, PartnerRecord } from "../entities";
import { badUserInput, conflict, notFound, unauthenticated } from "../errors";
import { normalizeEmail } from "../privacy/personal-data-format";
import type { AuditService } from "./audit-service";
import type { ServiceContext } from "./service-context";

export interface NewPartner {
  code: string;
  name: string;
  contactEmail?: string | null;
}

export class PartnerService {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock, private readonly audit: AuditService) {}

  list(): Promise<PartnerRecord[]> {
    return this.dataSource.getRepository(PartnerRecord).find({ order: { id: "ASC" } });
  }

  findById(id: number): Promise<PartnerRecord | null> {
    return this.dataSource.getRepository(PartnerRecord).findOneBy({ id });
  }

  async create(context: ServiceContext, input: NewPartner): Promise<PartnerRecord> {
    const code = input.code.trim().toUpperCase();
    if (!/^[A-Z0-9_]{2,32}$/.test(code)) throw badUserInput("input.code must be 2 to 32 letters, digits or underscores, e.g. COFFEE_CO.", "input.code");
    const name = input.name.trim();
    if (name === "" || name.length > 128) throw badUserInput("input.name must be 1 to 128 characters.", "input.name");
    const contactEmail = input.contactEmail ? normalizeEmail(input.contactEmail) : null;
    if (input.contactEmail && !contactEmail) throw badUserInput("input.contactEmail must be an email address.", "input.contactEmail");
    return runInTransaction(this.dataSource, async (manager) => {
      if (await manager.existsBy(PartnerRecord, { code })) throw conflict(`A partner with the code ${code} already exists.`);
      const partner = await manager.save(PartnerRecord, manager.create(PartnerRecord, { code, name, contactEmail, status: "ACTIVE", createdAt: this.clock.now() }));
      await this.audit.record(manager, context, { action: "partner.create", targetType: "partner", targetId: partner.id, details: { code } });
      return partner;
    });
  }

  /** The key is returned once and never stored; only its hash is. */
  async issueApiKey(context: ServiceContext, partnerId: number, scopes: readonly string[]): Promise<{ key: string; record: PartnerApiKeyRecord }> {
    const unknown = scopes.filter((scope) => !(partnerScopes as readonly string[]).includes(scope));
    if (unknown.length > 0) throw badUserInput(`scopes has unknown values ${unknown.join(", ")}: use ${partnerScopes.join(", ")}.`, "scopes");
    if (scopes.length === 0) throw badUserInput("scopes must name at least one scope.", "scopes");
    const generated = generateApiKey();
    const record = await runInTransaction(this.dataSource, async (manager) => {
      if (!(await manager.existsBy(PartnerRecord, { id: partnerId }))) throw notFound("No partner has the id given.");
      const record = await manager.save(
        PartnerApiKeyRecord,
        manager.create(PartnerApiKeyRecord, { partnerId, keyId: generated.keyId, secretHash: generated.secretHash, scopes: [...new Set(scopes)] as PartnerScope[], createdAt: this.clock.now(), revokedAt: null }),
      );
      await this.audit.record(manager, context, { action: "partner.issueApiKey", targetType: "partner", targetId: partnerId, details: { keyId: generated.keyId, scopes: record.scopes } });
      return record;
    });
    return { key: generated.key, record };
  }

  async revokeApiKey(context: ServiceContext, keyId: string): Promise<PartnerApiKeyRecord> {
    return runInTransaction(this.dataSource, async (manager) => {
      const record = await manager.findOneBy(PartnerApiKeyRecord, { keyId });
      if (!record) throw notFound("No API key has the key id given.");
      if (!record.revokedAt) {
        record.revokedAt = this.clock.now();
        await manager.save(PartnerApiKeyRecord, record);
        await this.audit.record(manager, context, { action: "partner.revokeApiKey", targetType: "partner", targetId: record.partnerId, details: { keyId } });
      }
      return record;
    });
  }

  /** Checked on every partner request, with no cache, so a revoked key stops working at once. */
  async authenticate(apiKey: string): Promise<Identity> {
    const parsed = parseApiKey(apiKey);
    if (!parsed) throw unauthenticated("The API key is malformed: it should look like lgk_<16 hex>_<43 characters>.");
    const record = await this.dataSource.getRepository(PartnerApiKeyRecord).findOne({ where: { keyId: parsed.keyId, revokedAt: IsNull() }, relations: { partner: true } });
    if (!record || !secretMatches(parsed.secret, record.secretHash) || record.partner?.status !== "ACTIVE") {
      throw unauthenticated("The API key is unknown, revoked, or its partner is suspended.");
    }
    return { kind: "partner", partnerId: record.partnerId, keyId: record.keyId, scopes: record.scopes };
  }
}
