// `npm run -s token -- --role admin` or `-- --member <id>`: prints a bearer token for local use on stdout.
import { parseArgs } from "node:util";
import { runCommand } from "./run-command";
import { isStaffRole } from "../auth/permissions";
import { TokenService } from "../auth/tokens";
import { systemClock } from "../clock";
import { MemberRecord } from "../entities";
import { fromGlobalId } from "../schema/global-id";
import { AuditService } from "../services/audit-service";
import { systemContext } from "../services/service-context";
import { StaffService } from "../services/staff-service";
import { openConfiguredDatabase } from "./open-configured-database";

/** A member id as printed by the API ("TWVtYmVyOjE") or the database ("1"). */
function memberIdOf(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const decoded = fromGlobalId(value);
  if (decoded?.type !== "Member") throw new Error(`--member must be a member id such as 1 or a Member global id (got "${value}")`);
  return decoded.id;
}

runCommand(async () => {
  const { values } = parseArgs({ options: { role: { type: "string" }, member: { type: "string" } }, strict: true });
  if ((values.role === undefined) === (values.member === undefined)) throw new Error("usage: npm run -s token -- --role admin|operator|analyst   or   npm run -s token -- --member <id>");
  const { config, database } = await openConfiguredDatabase();
  const { dataSource } = database;
  try {
    const tokens = new TokenService(config.jwtSecret, { member: config.memberTokenTtlSeconds, staff: config.staffTokenTtlSeconds });
    const now = systemClock.now();
    let issued: { token: string; expiresAt: Date };
    let subject: string;
    if (values.role !== undefined) {
      if (!isStaffRole(values.role)) throw new Error(`--role must be admin, operator or analyst (got "${values.role}")`);
      const staffUser = await new StaffService(dataSource, systemClock, new AuditService(systemClock), tokens).findOrCreateForRole(systemContext("token-command"), values.role);
      issued = await tokens.issue({ kind: "staff", staffUserId: staffUser.id, role: staffUser.role }, now);
      subject = `staff user ${staffUser.email} (${staffUser.role})`;
    } else {
      const memberId = memberIdOf(values.member!);
      const member = await dataSource.getRepository(MemberRecord).findOneBy({ id: memberId });
      if (!member) throw new Error(`There is no member ${memberId} in this database.`);
      issued = await tokens.issue({ kind: "member", memberId }, now);
      subject = `member ${memberId} (${member.name})`;
    }
    process.stderr.write(`Token for ${subject}, valid until ${issued.expiresAt.toISOString()}:\n`);
    process.stdout.write(`${issued.token}\n`);
  } finally {
    await dataSource.destroy();
  }
});
