import { lockingRead, runInTransaction } from "../database/transactions";
import { IsNull, type DataSource, type EntityManager } from "typeorm";
import { generateApiKey, parseApiKey, secretMatches } from "../auth/api-keys";
import type { Identity } from "../auth/identity";
import { partnerScopes, type PartnerScope } from "../auth/permissions";
import type { Clock } from "../clock";
import { PartnerApiKeyRecord, PartnerRecord } from "../entities";
import type { PartnerStatus } from "../entities/partner-record";
import { badUserInput, conflict, notFound, unauthenticated } from "../errors";
import { normalizeEmail } from "../privacy/personal-data-format";
import type { AuditService } from "./audit-service";
import type { ServiceContext } from "./service-context";

export interface NewPartner {
  code: string;
  name: string;
  contactName?: string | null;
  contactEmail?: string | null;
}

/** Fields left out (undefined) stay as they are; null clears a contact field and leaves name and status alone. */
export interface PartnerChanges {
  name?: string | null;
  contactName?: string | null;
  contactEmail?: string | null;
  status?: PartnerStatus | null;
}

export interface IssuedApiKey {
  /** Shown to staff once; only its hash is kept. */
  key: string;
  record: PartnerApiKeyRecord;
}

export interface AuthenticatedPartnerKey {
  identity: Extract<Identity, { kind: "partner" }>;
  /** The key's allowance, which PartnerRateLimits counts its requests against. */
  requestsPerMinute: number;
}

/** The range of PARTNER_REQUESTS_PER_MINUTE too. */
const requestsPerMinuteRange = { minimum: 1, maximum: 100_000 };

function validRequestsPerMinute(value: number, field = "requestsPerMinute"): number {
  if (!Number.isInteger(value) || value < requestsPerMinuteRange.minimum || value > requestsPerMinuteRange.maximum) {
    throw badUserInput(`${field} must be a whole number from ${requestsPerMinuteRange.minimum} to ${requestsPerMinuteRange.maximum} (got ${value}).`, field);
  }
  return value;
}

function validName(value: string, field: string): string {
  const name = value.trim();
  if (name === "" || name.length > 128) throw badUserInput(`${field} must be 1 to 128 characters.`, field);
  return name;
}

/** Empty or null clears the contact name. */
function validContactName(value: string | null, field: string): string | null {
  const name = value?.trim() ?? "";
  if (name.length > 64) throw badUserInput(`${field} must be at most 64 characters (got ${name.length}).`, field);
  return name === "" ? null : name;
}

/** Empty or null clears the contact email. */
function validContactEmail(value: string | null, field: string): string | null {
  if (value === null || value.trim() === "") return null;
  const email = normalizeEmail(value);
  if (!email) throw badUserInput(`${field} must be an email address.`, field);
  return email;
}

/** The key row, locked on MySQL/MariaDB until the transaction ends, so that two changes to one key take turns. */
async function lockedKey(manager: EntityManager, keyId: string): Promise<PartnerApiKeyRecord> {
  const record = await lockingRead(manager, PartnerApiKeyRecord, "apiKey").where("apiKey.keyId = :keyId", { keyId }).getOne();
  if (!record) throw notFound("No API key has the key id given.");
  return record;
}

export class PartnerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    /** For keys issued without one (PARTNER_REQUESTS_PER_MINUTE). */
    private readonly defaultRequestsPerMinute: number,
  ) {}

  list(): Promise<PartnerRecord[]> {
    return this.dataSource.getRepository(PartnerRecord).find({ order: { id: "ASC" } });
  }

  findById(id: number): Promise<PartnerRecord | null> {
    return this.dataSource.getRepository(PartnerRecord).findOneBy({ id });
  }

  async create(context: ServiceContext, input: NewPartner): Promise<PartnerRecord> {
    const code = input.code.trim().toUpperCase();
    if (!/^[A-Z0-9_]{2,32}$/.test(code)) throw badUserInput("input.code must be 2 to 32 letters, digits or underscores, e.g. COFFEE_CO.", "input.code");
    const name = validName(input.name, "input.name");
    const contactName = validContactName(input.contactName ?? null, "input.contactName");
    const contactEmail = validContactEmail(input.contactEmail ?? null, "input.contactEmail");
    return runInTransaction(this.dataSource, async (manager) => {
      if (await manager.existsBy(PartnerRecord, { code })) throw conflict(`A partner with the code ${code} already exists.`);
      const partner = await manager.save(PartnerRecord, manager.create(PartnerRecord, { code, name, contactName, contactEmail, status: "ACTIVE", createdAt: this.clock.now() }));
      await this.audit.record(manager, context, { action: "partner.create", targetType: "partner", targetId: partner.id, details: { code } });
      return partner;
    });
  }

  /**
   * Changes the fields given. Suspending stops every key of the partner on its next request (authenticate reads
   * the status each time); reactivating lets the keys that are not revoked work again.
   */
  async update(context: ServiceContext, partnerId: number, changes: PartnerChanges): Promise<PartnerRecord> {
    const wanted: Partial<Pick<PartnerRecord, "name" | "contactName" | "contactEmail" | "status">> = {};
    if (changes.name !== undefined && changes.name !== null) wanted.name = validName(changes.name, "input.name");
    if (changes.contactName !== undefined) wanted.contactName = validContactName(changes.contactName, "input.contactName");
    if (changes.contactEmail !== undefined) wanted.contactEmail = validContactEmail(changes.contactEmail, "input.contactEmail");
    if (changes.status !== undefined && changes.status !== null) wanted.status = changes.status;
    return runInTransaction(this.dataSource, async (manager) => {
      const record = await lockingRead(manager, PartnerRecord, "partner").where("partner.id = :partnerId", { partnerId }).getOne();
      if (!record) throw notFound("No partner has the id given.");
      const changedFields = (Object.keys(wanted) as (keyof typeof wanted)[]).filter((field) => record[field] !== wanted[field]);
      if (changedFields.length > 0) {
        Object.assign(record, wanted);
        await manager.save(PartnerRecord, record);
        // Contact details are personal data: the entry names the fields changed, and the status, never the values.
        await this.audit.record(manager, context, { action: "partner.update", targetType: "partner", targetId: partnerId, details: { changedFields, status: record.status } });
      }
      return record;
    });
  }

  /** The key is returned once and never stored; only its hash is. Without requestsPerMinute, the configured default. */
  async issueApiKey(context: ServiceContext, partnerId: number, scopes: readonly string[], requestsPerMinute?: number | null): Promise<IssuedApiKey> {
    const unknown = scopes.filter((scope) => !(partnerScopes as readonly string[]).includes(scope));
    if (unknown.length > 0) throw badUserInput(`scopes has unknown values ${unknown.join(", ")}: use ${partnerScopes.join(", ")}.`, "scopes");
    if (scopes.length === 0) throw badUserInput("scopes must name at least one scope.", "scopes");
    const allowance = validRequestsPerMinute(requestsPerMinute ?? this.defaultRequestsPerMinute);
    const generated = generateApiKey();
    const record = await runInTransaction(this.dataSource, async (manager) => {
      if (!(await manager.existsBy(PartnerRecord, { id: partnerId }))) throw notFound("No partner has the id given.");
      const record = await this.insertKey(manager, partnerId, generated, [...new Set(scopes)] as PartnerScope[], allowance);
      await this.audit.record(manager, context, {
        action: "partner.issueApiKey",
        targetType: "partner",
        targetId: partnerId,
        details: { keyId: generated.keyId, scopes: record.scopes, requestsPerMinute: allowance },
      });
      return record;
    });
    return { key: generated.key, record };
  }

  /**
   * A new key with the old one's scopes and rate limit, and the old key revoked, in one transaction: the old key
   * stops working on its next request. A revoked key cannot be rotated (that would bring its access back).
   */
  async rotateApiKey(context: ServiceContext, keyId: string): Promise<IssuedApiKey> {
    const generated = generateApiKey();
    const record = await runInTransaction(this.dataSource, async (manager) => {
      const old = await lockedKey(manager, keyId);
      if (old.revokedAt) throw conflict(`The API key ${keyId} is revoked, so it cannot be rotated: issue a new key with issuePartnerApiKey.`);
      old.revokedAt = this.clock.now();
      await manager.save(PartnerApiKeyRecord, old);
      const replacement = await this.insertKey(manager, old.partnerId, generated, old.scopes, old.requestsPerMinute);
      await this.audit.record(manager, context, { action: "partner.rotateApiKey", targetType: "partner", targetId: old.partnerId, details: { keyId, newKeyId: generated.keyId } });
      return replacement;
    });
    return { key: generated.key, record };
  }

  /** Takes effect on the key's next request, which starts a fresh count under the new limit. */
  async setApiKeyRateLimit(context: ServiceContext, keyId: string, requestsPerMinute: number): Promise<PartnerApiKeyRecord> {
    const allowance = validRequestsPerMinute(requestsPerMinute);
    return runInTransaction(this.dataSource, async (manager) => {
      const record = await lockedKey(manager, keyId);
      if (record.revokedAt) throw conflict(`The API key ${keyId} is revoked: its rate limit no longer matters.`);
      if (record.requestsPerMinute !== allowance) {
        const previous = record.requestsPerMinute;
        record.requestsPerMinute = allowance;
        await manager.save(PartnerApiKeyRecord, record);
        await this.audit.record(manager, context, {
          action: "partner.setApiKeyRateLimit",
          targetType: "partner",
          targetId: record.partnerId,
          details: { keyId, requestsPerMinute: allowance, previousRequestsPerMinute: previous },
        });
      }
      return record;
    });
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

  /** Checked on every partner request, with no cache, so a revoked key or a suspended partner stops working at once. */
  async authenticateKey(apiKey: string): Promise<AuthenticatedPartnerKey> {
    const parsed = parseApiKey(apiKey);
    if (!parsed) throw unauthenticated("The API key is malformed: it should look like lgk_<16 hex>_<43 characters>.");
    const record = await this.dataSource.getRepository(PartnerApiKeyRecord).findOne({ where: { keyId: parsed.keyId, revokedAt: IsNull() }, relations: { partner: true } });
    if (!record || !secretMatches(parsed.secret, record.secretHash) || record.partner?.status !== "ACTIVE") {
      throw unauthenticated("The API key is unknown, revoked, or its partner is suspended.");
    }
    return { identity: { kind: "partner", partnerId: record.partnerId, keyId: record.keyId, scopes: record.scopes }, requestsPerMinute: record.requestsPerMinute };
  }

  async authenticate(apiKey: string): Promise<Identity> {
    return (await this.authenticateKey(apiKey)).identity;
  }

  private insertKey(manager: EntityManager, partnerId: number, generated: { keyId: string; secretHash: string }, scopes: PartnerScope[], requestsPerMinute: number): Promise<PartnerApiKeyRecord> {
    return manager.save(
      PartnerApiKeyRecord,
      manager.create(PartnerApiKeyRecord, { partnerId, keyId: generated.keyId, secretHash: generated.secretHash, scopes, requestsPerMinute, createdAt: this.clock.now(), revokedAt: null }),
    );
  }
}
