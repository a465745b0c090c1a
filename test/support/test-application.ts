// Starts the real application on a scratch database and a free port, and talks to it over HTTP.
import { randomUUID } from "node:crypto";
import type { StaffRole } from "../../src/auth/permissions";
import { ManualClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import type { MemberRecord } from "../../src/entities";
import { startApplication, type Application } from "../../src/server/application";
import type { NewMember } from "../../src/services/member-input";
import { systemContext } from "../../src/services/service-context";
import type { SignInCodeSender } from "../../src/services/sign-in-code-sender";
import type { ScratchDatabase, TestDatabaseKind } from "./databases";

export class CapturingSignInCodeSender implements SignInCodeSender {
  readonly sent: { phone: string; code: string }[] = [];

  async send(phone: string, code: string): Promise<void> {
    this.sent.push({ phone, code });
  }

  lastCodeFor(phone: string): string {
    const found = [...this.sent].reverse().find((message) => message.phone === phone);
    if (!found) throw new Error(`no code was sent to ${phone}`);
    return found.code;
  }
}

export interface GraphqlResponse<Data = Record<string, any>> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
  headers: Headers;
}

export interface TestApplication {
  application: Application;
  clock: ManualClock;
  codes: CapturingSignInCodeSender;
  url: string;
  graphql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, authorization?: string): Promise<GraphqlResponse<Data>>;
  staffToken(role: StaffRole): Promise<string>;
  memberToken(memberId: number): Promise<string>;
  createMember(overrides?: Partial<NewMember>): Promise<MemberRecord>;
  close(): Promise<void>;
}

let phoneCounter = 0;

/** A distinct valid mainland mobile number per call within a test process. */
export function nextPhone(): string {
  phoneCounter += 1;
  return `139${String(process.pid % 10000).padStart(4, "0")}${String(phoneCounter).padStart(4, "0")}`;
}

export async function startTestApplication(kind: TestDatabaseKind, environment: Record<string, string> = {}): Promise<TestApplication> {
  const scratch: ScratchDatabase = await kind.create();
  const config = { ...loadConfig({ NODE_ENV: "test", ...environment }), database: scratch.config };
  const clock = new ManualClock(new Date("2026-11-23T08:00:00.000Z"));
  const codes = new CapturingSignInCodeSender();
  const application = await startApplication({ config, clock, signInCodeSender: codes, port: 0 });
  const url = application.server.url;
  const staffIds = new Map<StaffRole, number>();

  return {
    application,
    clock,
    codes,
    url,
    async graphql(query, variables, authorization) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
    },
    async staffToken(role) {
      let staffUserId = staffIds.get(role);
      if (staffUserId === undefined) {
        const staffUser = await application.services.staff.create(systemContext("test-setup"), { email: `${role}-${randomUUID().slice(0, 8)}@test.loyalty`, displayName: `Test ${role}`, role });
        staffUserId = staffUser.id;
        staffIds.set(role, staffUserId);
      }
      const { token } = await application.services.tokens.issue({ kind: "staff", staffUserId, role }, clock.now());
      return `Bearer ${token}`;
    },
    async memberToken(memberId) {
      const { token } = await application.services.tokens.issue({ kind: "member", memberId }, clock.now());
      return `Bearer ${token}`;
    },
    createMember(overrides = {}) {
      return application.services.members.create(
        systemContext("test-setup"),
        { name: "测试会员", phone: nextPhone(), joinChannel: "APP", email: "member@example.com", birthday: "1990-03-14", ...overrides },
        randomUUID(),
      );
    },
    async close() {
      await application.stop();
      await scratch.drop();
    },
  };
}
