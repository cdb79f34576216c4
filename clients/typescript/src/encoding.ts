/** Byte helpers on what every runtime has (TextEncoder, WebCrypto): no Node-only modules. */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES: Record<string, number> = Object.fromEntries([...ALPHABET].map((character, index) => [character, index]));

/** base64url without padding (RFC 4648 §5). */
export function base64url(bytes: Uint8Array): string {
  let text = "";
  for (let index = 0; index < bytes.length; index += 3) {
    const [a, b, c] = [bytes[index]!, bytes[index + 1], bytes[index + 2]];
    text += ALPHABET[a >> 2]! + ALPHABET[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    if (b !== undefined) text += ALPHABET[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    if (c !== undefined) text += ALPHABET[c & 63]!;
  }
  return text;
}

/** The bytes of unpadded base64url `text`; a `RangeError` for anything else (padding, other
 * characters, a length no encoding has, or unused bits that are not zero). */
export function fromBase64url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw new RangeError("not base64url: impossible length");
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let position = 0;
  for (const character of text) {
    const value = VALUES[character];
    if (value === undefined) throw new RangeError("not base64url: unexpected character");
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[position++] = (buffer >> bits) & 0xff;
    }
  }
  if (bits > 0 && (buffer & ((1 << bits) - 1)) !== 0) throw new RangeError("not base64url: non-zero trailing bits");
  return bytes;
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `bytes` as UTF-8 text; a `TypeError` when they are not valid UTF-8. */
export function fromUtf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
}

/** WebCrypto's SubtleCrypto (global in Node ≥ 20, browsers in secure contexts, Deno, Bun, workers). */
export function subtle(): SubtleCrypto {
  const found = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!found) throw new Error("@writ/client needs WebCrypto (globalThis.crypto.subtle): Node ≥ 20, a browser in a secure context, or an edge runtime");
  return found;
}

/** SHA-256 of `bytes`. */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest("SHA-256", bytes));
}

/** A random (version 4) UUID. */
export function randomUUID(): string {
  const random = (globalThis as { crypto?: Crypto }).crypto;
  if (random && typeof random.randomUUID === "function") return random.randomUUID();
  if (!random) throw new Error("@writ/client needs globalThis.crypto for random idempotency keys");
  const bytes = random.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
