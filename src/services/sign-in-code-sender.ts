// Where one-time sign-in codes go. Production plugs in an SMS gateway adapter with the same interface.
import type { Logger } from "pino";

export interface SignInCodeSender {
  send(phone: string, code: string): Promise<void>;
}

/** Development: the code is written to the log so a developer can sign in without an SMS gateway. */
export class LoggingSignInCodeSender implements SignInCodeSender {
  constructor(private readonly logger: Logger, private readonly revealCodes: boolean) {}

  async send(phone: string, code: string): Promise<void> {
    if (this.revealCodes) {
      this.logger.info({ phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, code }, "sign-in code (development: no SMS is sent)");
    } else {
      this.logger.error("a sign-in code was requested but no SMS adapter is configured; codes are never logged in production");
    }
  }
}
