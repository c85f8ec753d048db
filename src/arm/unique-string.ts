/**
 * ARM's uniqueString(): a 64-bit MurmurHash variant over the UTF-8 bytes of the arguments joined with '-',
 * written as 13 base-32 characters. Algorithm as described in shared/arm-templates/README.md.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function mul(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

function fmix32(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = mul(h, 0x85ebca6b);
  h = (h ^ (h >>> 13)) >>> 0;
  h = mul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mixK1(k1: number): number {
  return mul(rotl(mul(k1, 0x239b961b), 15), 0xab0e9789);
}

function mixK2(k2: number): number {
  return mul(rotl(mul(k2, 0xab0e9789), 17), 0x239b961b);
}

/** Reads up to 4 bytes little-endian; shorter reads leave the high bytes zero (the tail case). */
function readLe(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = Math.min(end, start + 4) - 1; i >= start; i--) value = (value * 256 + bytes[i]!) >>> 0;
  return value;
}

/** The 64-bit hash as [high, low] 32-bit halves. */
export function murmurHash64(bytes: Uint8Array): [number, number] {
  let h1 = 0;
  let h2 = 0;
  const blocks = bytes.length - (bytes.length % 8);
  for (let i = 0; i < blocks; i += 8) {
    h1 = (h1 ^ mixK1(readLe(bytes, i, i + 4))) >>> 0;
    h1 = (mul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) >>> 0;
    h2 = (h2 ^ mixK2(readLe(bytes, i + 4, i + 8))) >>> 0;
    h2 = (mul(rotl(h2, 13) + h1, 5) + 0x0bcaa747) >>> 0;
  }
  const tail = bytes.length - blocks;
  if (tail > 0) h1 = (h1 ^ mixK1(readLe(bytes, blocks, bytes.length))) >>> 0;
  if (tail > 4) h2 = (h2 ^ mixK2(readLe(bytes, blocks + 4, bytes.length))) >>> 0;
  // The length is xor-ed as a 32-bit value; templates never reach 4 GiB.
  h1 = (h1 ^ bytes.length) >>> 0;
  h2 = (h2 ^ bytes.length) >>> 0;
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  return [h2, h1];
}

/** ARM's uniqueString(...args): deterministic 13-character string. */
export function uniqueString(...args: string[]): string {
  const [high, low] = murmurHash64(new TextEncoder().encode(args.join('-')));
  const value = (BigInt(high) << 32n) | BigInt(low);
  let out = '';
  // 13 × 5 = 65 bits: the last character takes the lowest 4 bits shifted left by one.
  for (let i = 0; i < 12; i++) out += ALPHABET[Number((value >> BigInt(59 - 5 * i)) & 31n)];
  return out + ALPHABET[Number((value << 1n) & 31n)];
}
