import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { Member } from "../schema/member-type";
import { SignInWithCodeInput } from "../schema/member-inputs";
import { MemberSession, SignInCodeRequest, StaffSession } from "../schema/session-types";
import { StaffUser } from "../schema/staff-user-type";
import type { RequestContext } from "../server/request-context";

@Resolver()
export class SignInResolver {
  @Mutation(() => SignInCodeRequest, { description: "Sends a 6-digit code to the phone (sign-up or sign-in). At most one a minute and five an hour per phone." })
  requestSignInCode(@Arg("phone") phone: string, @Ctx() context: RequestContext): Promise<SignInCodeRequest> {
    return context.services.signIn.requestCode(phone);
  }

  @Mutation(() => MemberSession, { description: "Signs in with the code; a new phone number becomes a member on the spot." })
  async signInWithCode(@Arg("input", () => SignInWithCodeInput) input: SignInWithCodeInput, @Ctx() context: RequestContext): Promise<MemberSession> {
    const session = await context.services.signIn.signIn(context, { ...input, profile: input.profile ? { ...input.profile } : undefined });
    // The code proved who the caller is: the rest of this response is read as that member.
    context.identity = { kind: "member", memberId: session.member.id };
    return { ...session, member: Member.fromRecord(session.member) };
  }

  @Mutation(() => StaffSession, { description: "Staff sign in to the admin console with email and password." })
  async staffSignIn(@Arg("email") email: string, @Arg("password") password: string, @Ctx() context: RequestContext): Promise<StaffSession> {
    const session = await context.services.staff.signIn(email, password);
    return { ...session, staffUser: StaffUser.fromRecord(session.staffUser) };
  }
}
