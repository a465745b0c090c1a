import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const requestCode = `mutation ($phone: String!) { requestSignInCode(phone: $phone) { expiresAt resendAfterSeconds } }`;
const signIn = `mutation ($input: SignInWithCodeInput!) { signInWithCode(input: $input) { token isNewMember member { id name phone joinChannel tier { code } } } }`;

describe.each(testDatabaseKinds())("sign-up and sign-in by phone on $name", (kind) => {
  let test: TestApplication;

  beforeAll(async () => {
    test = await startTestApplication(kind);
  });
  afterAll(async () => {
    await test?.close();
  });

  it("signs up a new phone in one round trip of code and sign-in, then signs the same member in again", async () => {
    const requested = await test.graphql(requestCode, { phone: "+86 188 0000 1234" });
    expect(requested.errors).toBeUndefined();
    expect(requested.data?.requestSignInCode.resendAfterSeconds).toBe(60);
    const code = test.codes.lastCodeFor("18800001234");
    expect(code).toMatch(/^\d{6}$/);

    const first = await test.graphql(signIn, { input: { phone: "18800001234", code, joinChannel: "APP", profile: { name: "林小雨", birthday: "1996-05-20" } } });
    expect(first.errors).toBeUndefined();
    expect(first.data?.signInWithCode).toMatchObject({ isNewMember: true, member: { name: "林小雨", phone: "18800001234", joinChannel: "APP", tier: { code: "REGULAR" } } });

    const me = await test.graphql(`{ me { id birthday } }`, {}, `Bearer ${first.data?.signInWithCode.token}`);
    expect(me.data?.me).toEqual({ id: first.data?.signInWithCode.member.id, birthday: "1996-05-20" });

    // The code is single-use.
    const reused = await test.graphql(signIn, { input: { phone: "18800001234", code } });
    expect(reused.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");

    test.clock.advance(61_000);
    await test.graphql(requestCode, { phone: "18800001234" });
    const again = await test.graphql(signIn, { input: { phone: "18800001234", code: test.codes.lastCodeFor("18800001234"), profile: { name: "ignored" } } });
    expect(again.data?.signInWithCode).toMatchObject({ isNewMember: false, member: { id: first.data?.signInWithCode.member.id, name: "林小雨" } });
  });

  it("rate limits codes per phone and counts wrong attempts", async () => {
    await test.graphql(requestCode, { phone: "18800005678" });
    const tooSoon = await test.graphql(requestCode, { phone: "18800005678" });
    expect(tooSoon.errors?.[0].extensions).toMatchObject({ code: "RATE_LIMITED" });
    expect(tooSoon.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.headers.get("retry-after")).toBe(String(tooSoon.errors?.[0].extensions?.retryAfterSeconds));

    const wrong = await test.graphql(signIn, { input: { phone: "18800005678", code: "000000" === test.codes.lastCodeFor("18800005678") ? "111111" : "000000" } });
    expect(wrong.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(wrong.errors?.[0].message).toContain("4 attempts left");
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await test.graphql(signIn, { input: { phone: "18800005678", code: "not-it" } });
    }
    const locked = await test.graphql(signIn, { input: { phone: "18800005678", code: test.codes.lastCodeFor("18800005678") } });
    expect(locked.errors?.[0].message).toContain("request a new code");
    expect(await test.application.services.members.findByPhone("18800005678")).toBeNull();

    const expiredPhone = "18800009999";
    await test.graphql(requestCode, { phone: expiredPhone });
    test.clock.advance(301_000);
    const expired = await test.graphql(signIn, { input: { phone: expiredPhone, code: test.codes.lastCodeFor(expiredPhone) } });
    expect(expired.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("rejects a phone number that is not a mainland mobile", async () => {
    const response = await test.graphql(requestCode, { phone: "12345" });
    expect(response.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "phone" });
    expect(test.codes.sent.some((message) => message.phone === "12345")).toBe(false);
  });

  it("signs staff in with email and password", async () => {
    await test.application.services.staff.create({ identity: { kind: "anonymous" }, requestId: null }, { email: "ops@brand.cn", displayName: "运营", role: "operator", password: "correct horse battery" });
    const wrong = await test.graphql(`mutation { staffSignIn(email: "ops@brand.cn", password: "wrong password!") { token } }`);
    expect(wrong.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const right = await test.graphql(`mutation { staffSignIn(email: "OPS@brand.cn", password: "correct horse battery") { token staffUser { role } } }`);
    expect(right.data?.staffSignIn.staffUser.role).toBe("OPERATOR");
    const current = await test.graphql(`{ currentStaffUser { email role } }`, {}, `Bearer ${right.data?.staffSignIn.token}`);
    expect(current.data?.currentStaffUser).toEqual({ email: "ops@brand.cn", role: "OPERATOR" });
  });
});
