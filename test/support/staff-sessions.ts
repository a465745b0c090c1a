// Staff tokens for tests that move the clock: tokens are issued again after each move, as staff sign in again.
import { toGlobalId } from "../../src/schema/global-id";
import type { TestApplication } from "./test-application";

const day = 86_400_000;

export class StaffSessions {
  operator = "";
  admin = "";
  analyst = "";

  constructor(private readonly test: TestApplication) {}

  async signIn(): Promise<void> {
    this.operator = await this.test.staffToken("operator");
    this.admin = await this.test.staffToken("admin");
    this.analyst = await this.test.staffToken("analyst");
  }

  async advanceDays(days: number): Promise<void> {
    this.test.clock.advance(days * day);
    await this.signIn();
  }

  /** A new member, with the global id the API takes. */
  async newMember(overrides: Parameters<TestApplication["createMember"]>[0] = {}): Promise<{ id: number; globalId: string }> {
    const record = await this.test.createMember(overrides);
    return { id: record.id, globalId: toGlobalId("Member", record.id) };
  }
}
