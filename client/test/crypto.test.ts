import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256 } from '../src/crypto/sha256';
import { base64url, fromBase64url, fromHex, toHex, utf8 } from '../src/crypto/encoding';

const hex = (s: string) => toHex(sha256(utf8(s)));

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(hex('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'))
      .toBe('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
  });
  it('handles a million bytes', () => {
    expect(hex('a'.repeat(1000000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
  it('pads correctly around the block boundaries', () => {
    const cases: [number, string][] = [
      [55, '9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318'],
      [56, 'b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a'],
      [63, '7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34'],
      [64, 'ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb'],
      [119, '31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb'],
      [120, '2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c'],
    ];
    for (const [n, want] of cases) expect(hex('a'.repeat(n)), `length ${n}`).toBe(want);
  });
});

describe('hmacSha256 (RFC 4231)', () => {
  const rep = (b: number, n: number) => new Uint8Array(n).fill(b);
  const cases: [Uint8Array, Uint8Array, string][] = [
    [rep(0x0b, 20), utf8('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [utf8('Jefe'), utf8('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [rep(0xaa, 20), rep(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'), rep(0xcd, 50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    [rep(0xaa, 131), utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
    [rep(0xaa, 131), utf8('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2'],
  ];
  cases.forEach(([key, msg, want], i) => {
    it(`test case ${i + 1}`, () => expect(toHex(hmacSha256(key, msg))).toBe(want));
  });
});

describe('base64url', () => {
  it('encodes without padding in the URL-safe alphabet', () => {
    expect(base64url(new Uint8Array([]))).toBe('');
    expect(base64url(utf8('f'))).toBe('Zg');
    expect(base64url(utf8('fo'))).toBe('Zm8');
    expect(base64url(utf8('foo'))).toBe('Zm9v');
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
  });
  it('round-trips 32 and 16 byte values to 43 and 22 characters', () => {
    const k = new Uint8Array(32).map((_, i) => i * 7);
    expect(base64url(k)).toHaveLength(43);
    expect(Array.from(fromBase64url(base64url(k))!)).toEqual(Array.from(k));
    expect(base64url(new Uint8Array(16))).toHaveLength(22);
  });
  it('refuses padding, foreign characters and impossible lengths', () => {
    expect(fromBase64url('Zg==')).toBeNull();
    expect(fromBase64url('Zm+v')).toBeNull();
    expect(fromBase64url('Z')).toBeNull();
    expect(fromBase64url('Zh')).toBeNull(); // trailing bits set
  });
});
