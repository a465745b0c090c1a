import { runInTransaction } from "../database/transactions";
import type { DataSource } from "typeorm";
import { hashPassword, verifyPassword } from "../auth/passwords";
import { isStaffRole, type StaffRole } from "../auth/permissions";
import type { TokenService } from "../auth/tokens";
import type { Clock } from "../clock";
import { StaffUserRecord } from "../entities";
import { badUserInput, ClientError, conflict } from "../errors";
import { normalizeEmail } from "../privacy/personal-data-format";
import type { AuditService } from "./audit-service";
import type { ServiceContext } from "./service-context";

export interface NewStaffUser {
  email: string;
  displayName: string;
  role: StaffRole;
  password?: string | null;
}

export class StaffService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly tokens: TokenService,
  ) {}

  async signIn(emailInput: string, password: string): Promise<{ token: string; expiresAt: Date; staffUser: StaffUserRecord }> {
    const email = normalizeEmail(emailInput);
    const staffUser = email ? await this.dataSource.getRepository(StaffUserRecord).findOneBy({ email }) : null;
    // One message for every failure, so the form does not reveal which emails exist.
    const refused = new ClientError("UNAUTHENTICATED", "The email or password is wrong, or the account is disabled.");
    if (!staffUser || !staffUser.active || !staffUser.passwordHash) throw refused;
    if (!(await verifyPassword(password, staffUser.passwordHash))) throw refused;
    const session = await this.tokens.issue({ kind: "staff", staffUserId: staffUser.id, role: staffUser.role }, this.clock.now());
    return { ...session, staffUser };
  }

  async create(context: ServiceContext, input: NewStaffUser): Promise<StaffUserRecord> {
    const email = normalizeEmail(input.email);
    if (!email) throw badUserInput("input.email must be an email address such as name@example.com.", "input.email");
    if (!isStaffRole(input.role)) throw badUserInput("input.role must be admin, operator or analyst.", "input.role");
    const displayName = input.displayName.trim();
    if (displayName === "" || displayName.length > 64) throw badUserInput("input.displayName must be 1 to 64 characters.", "input.displayName");
    if (input.password !== undefined && input.password !== null && input.password.length < 12) {
      throw badUserInput("input.password must be at least 12 characters.", "input.password");
    }
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return runInTransaction(this.dataSource, async (manager) => {
      if (await manager.existsBy(StaffUserRecord, { email })) throw conflict(`A staff user with the email ${email} already exists.`);
      const staffUser = await manager.save(StaffUserRecord, manager.create(StaffUserRecord, { email, displayName, role: input.role, passwordHash, active: true, createdAt: this.clock.now() }));
      await this.audit.record(manager, context, { action: "staff.create", targetType: "staff", targetId: staffUser.id, details: { role: input.role } });
      return staffUser;
    });
  }

  /** For `npm run token`: the first active staff user with the role, created if there is none. */
  async findOrCreateForRole(context: ServiceContext, role: StaffRole): Promise<StaffUserRecord> {
    const existing = await this.dataSource.getRepository(StaffUserRecord).findOne({ where: { role, active: true }, order: { id: "ASC" } });
    return existing ?? this.create(context, { email: `${role}@local.loyalty`, displayName: `Local ${role}`, role });
  }

  findByIds(ids: readonly number[]): Promise<StaffUserRecord[]> {
    return this.dataSource.getRepository(StaffUserRecord).findBy(ids.map((id) => ({ id })));
  }
}
