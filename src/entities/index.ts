import { AuditLogRecord } from "./audit-log-record";
import { IdempotencyRecord } from "./idempotency-record";
import { MemberRecord } from "./member-record";
import { PartnerApiKeyRecord } from "./partner-api-key-record";
import { PartnerRecord } from "./partner-record";
import { SignInCodeRecord } from "./sign-in-code-record";
import { StaffUserRecord } from "./staff-user-record";
import { TierRecord } from "./tier-record";

export { AuditLogRecord, IdempotencyRecord, MemberRecord, PartnerApiKeyRecord, PartnerRecord, SignInCodeRecord, StaffUserRecord, TierRecord };

export const entities = [TierRecord, MemberRecord, StaffUserRecord, PartnerRecord, PartnerApiKeyRecord, IdempotencyRecord, AuditLogRecord, SignInCodeRecord];
