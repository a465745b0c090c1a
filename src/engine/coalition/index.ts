// The partner coalition, all pure: signed member codes for partners' tills, per-partner pseudonyms, settlement
// arithmetic and statement periods, and who may use a partner's benefit.
export * from "./crockford-base32";
export * from "./member-code";
export * from "./pseudonym";
export * from "./settlement";
export * from "./benefit-eligibility";
