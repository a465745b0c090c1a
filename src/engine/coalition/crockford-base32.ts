// Crockford's base32: digits and upper-case letters without I, L, O and U, so a code read aloud or typed from a
// screen has no look-alike characters. Bytes are read as one bit stream, five bits a character, the last character
// padded with zero bits; no "=" padding and no check symbol (the member code carries its own signature).

export const crockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Typing mistakes Crockford's scheme forgives: O for zero, I and L for one. Lower case is forgiven by upper-casing. */
const aliases: Readonly<Record<string, string>> = { O: "0", I: "1", L: "1" };

const valueOf = new Map<string, number>([...crockfordAlphabet].map((character, value) => [character, value]));

export function encodeCrockfordBase32(bytes: Uint8Array): string {
  let text = "";
  let buffer = 0;
  let bitsInBuffer = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bitsInBuffer += 8;
    while (bitsInBuffer >= 5) {
      bitsInBuffer -= 5;
      text += crockfordAlphabet[(buffer >>> bitsInBuffer) & 31];
    }
    // Only the bits not yet written are kept, so the buffer never grows past 12 bits.
    buffer &= (1 << bitsInBuffer) - 1;
  }
  if (bitsInBuffer > 0) text += crockfordAlphabet[(buffer << (5 - bitsInBuffer)) & 31];
  return text;
}

/** How many characters `byteCount` bytes encode to. */
export function crockfordBase32Length(byteCount: number): number {
  return Math.ceil((byteCount * 8) / 5);
}

/**
 * The bytes of a base32 text, or null when a character is not in the alphabet (after upper-casing and the O/I/L
 * aliases) or the padding bits of the last character are not zero. Insisting on zero padding makes the encoding
 * one-to-one: otherwise two texts, differing in the last character, would decode to the same bytes.
 * Separators are not removed here: that is the caller's decision.
 */
export function decodeCrockfordBase32(text: string): Uint8Array | null {
  const bytes = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bitsInBuffer = 0;
  let written = 0;
  for (const typed of text.toUpperCase()) {
    const value = valueOf.get(aliases[typed] ?? typed);
    if (value === undefined) return null;
    buffer = (buffer << 5) | value;
    bitsInBuffer += 5;
    if (bitsInBuffer >= 8) {
      bitsInBuffer -= 8;
      bytes[written++] = (buffer >>> bitsInBuffer) & 255;
    }
    buffer &= (1 << bitsInBuffer) - 1;
  }
  // Whatever is left over is padding; a whole character or more of it means the text had a character too many.
  if (bitsInBuffer >= 5 || buffer !== 0) return null;
  return bytes;
}
