// Normalising and masking the personal fields members type in.

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** Accepts "138 1234 5678", "+86 138-1234-5678" or "13812345678"; null when it is not a mainland mobile number. */
export function normalizePhone(input: string): string | null {
  let digits = input.replace(/[\s-]/g, "");
  if (digits.startsWith("+86")) digits = digits.slice(3);
  else if (digits.startsWith("0086")) digits = digits.slice(4);
  return MAINLAND_MOBILE.test(digits) ? digits : null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  return EMAIL.test(email) && email.length <= 254 ? email : null;
}

/** 13812345678 → 138****5678, the form Chinese apps show. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** zhang.wei@example.com → z***@example.com */
export function maskEmail(email: string): string {
  const at = email.indexOf("@");
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** The year stays (age bands are shown anyway); month and day identify a person and are hidden. */
export function maskBirthday(birthday: string): string {
  return `${birthday.slice(0, 4)}-**-**`;
}
