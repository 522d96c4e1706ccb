// Streaming SHA-1 (FIPS 180-4, section 6.1), used only by the 'datasketch' algorithm: datasketch's
// default hash function is `struct.unpack('<I', hashlib.sha1(data).digest()[:4])[0]`.
// Block layout: BLOCK (64 bytes of message) and W (80 x u32 message schedule) in static data.

const BLOCK: usize = memory.data(64, 16);
const W: usize = memory.data(320, 16);
let h0: u32 = 0, h1: u32 = 0, h2: u32 = 0, h3: u32 = 0, h4: u32 = 0;
let blockLen: i32 = 0;
let totalLen: u64 = 0;

export function sha1Init(): void {
  h0 = 0x67452301; h1 = 0xEFCDAB89; h2 = 0x98BADCFE; h3 = 0x10325476; h4 = 0xC3D2E1F0;
  blockLen = 0;
  totalLen = 0;
}

function compress(): void {
  for (let i = 0; i < 16; i++) {
    store<u32>(W + (<usize>i << 2), bswap<u32>(load<u32>(BLOCK + (<usize>i << 2))));
  }
  for (let i = 16; i < 80; i++) {
    const x = load<u32>(W + (<usize>(i - 3) << 2)) ^ load<u32>(W + (<usize>(i - 8) << 2)) ^
      load<u32>(W + (<usize>(i - 14) << 2)) ^ load<u32>(W + (<usize>(i - 16) << 2));
    store<u32>(W + (<usize>i << 2), rotl<u32>(x, 1));
  }
  let a = h0, b = h1, c = h2, d = h3, e = h4;
  for (let i = 0; i < 80; i++) {
    let f: u32, k: u32;
    if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
    else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
    else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
    else { f = b ^ c ^ d; k = 0xCA62C1D6; }
    const t = rotl<u32>(a, 5) + f + e + k + load<u32>(W + (<usize>i << 2));
    e = d; d = c; c = rotl<u32>(b, 30); b = a; a = t;
  }
  h0 += a; h1 += b; h2 += c; h3 += d; h4 += e;
}

export function sha1Update(ptr: usize, len: i32): void {
  totalLen += <u64>len;
  while (len > 0) {
    let n = 64 - blockLen;
    if (n > len) n = len;
    memory.copy(BLOCK + <usize>blockLen, ptr, <usize>n);
    blockLen += n;
    ptr += <usize>n;
    len -= n;
    if (blockLen == 64) { compress(); blockLen = 0; }
  }
}

export function sha1Byte(b: u8): void {
  totalLen += 1;
  store<u8>(BLOCK + <usize>blockLen, b);
  if (++blockLen == 64) { compress(); blockLen = 0; }
}

/** Finishes the digest and returns its first 4 bytes read as a little-endian u32 (datasketch's sha1_hash32). */
export function sha1FinalHash32(): u32 {
  const bits = totalLen << 3;
  store<u8>(BLOCK + <usize>blockLen, 0x80);
  blockLen++;
  if (blockLen > 56) {
    memory.fill(BLOCK + <usize>blockLen, 0, <usize>(64 - blockLen));
    compress();
    blockLen = 0;
  }
  memory.fill(BLOCK + <usize>blockLen, 0, <usize>(56 - blockLen));
  store<u64>(BLOCK + 56, bswap<u64>(bits));
  compress();
  return bswap<u32>(h0);
}
