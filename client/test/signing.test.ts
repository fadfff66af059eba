import { describe, expect, it } from 'vitest';
import { buildFrame, canonicalFrame, canonicalHttp, newNonce, signedHeaders, signFrame, signHttp, wsQuery } from '../src/api/signing';
import { fromBase64url } from '../src/crypto/encoding';

// Vectors computed independently with python3 hmac/hashlib/base64.
const KEY = fromBase64url('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8')!;

describe('HTTP signing', () => {
  const body = '{"x":1,"t":"héllo"}';
  it('builds the canonical string of api.md', () => {
    expect(canonicalHttp('post', '/api/v1/logout?x=1', '1796000000123', 'AAECAwQFBgcICQoLDA0ODw', body)).toBe(
      'PARLEY-HMAC-SHA256\nPOST\n/api/v1/logout?x=1\n1796000000123\nAAECAwQFBgcICQoLDA0ODw\n' +
        '7e0c235c76f3f2923013d7b4840ed16e35a1693cecb52c1a4775ff9340a94690');
  });
  it('signs it', () => {
    expect(signHttp(KEY, 'POST', '/api/v1/logout?x=1', '1796000000123', 'AAECAwQFBgcICQoLDA0ODw', body)).toBe(
      'CgjhYnHycGxdp7Ymvj7rY4XeD8tRuzFVXqufol-js1Y');
  });
  it('fills the four headers', () => {
    const h = signedHeaders('sid', KEY, 'POST', '/api/v1/logout?x=1', body, 1796000000123, 'AAECAwQFBgcICQoLDA0ODw');
    expect(h).toEqual({
      'X-Parley-Session': 'sid',
      'X-Parley-Timestamp': '1796000000123',
      'X-Parley-Nonce': 'AAECAwQFBgcICQoLDA0ODw',
      'X-Parley-Signature': 'CgjhYnHycGxdp7Ymvj7rY4XeD8tRuzFVXqufol-js1Y',
    });
  });
  it('makes 22-character nonces that differ', () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newNonce()).not.toBe(a);
  });
  it('signs the WebSocket query as GET /api/v1/ws with an empty body', () => {
    const q = new URLSearchParams(wsQuery('3q2-7wAAAAAAAAAAAAAAAA', KEY, 1796000000000, 'AAAAAAAAAAAAAAAAAAAAAA'));
    expect(q.get('session')).toBe('3q2-7wAAAAAAAAAAAAAAAA');
    expect(q.get('ts')).toBe('1796000000000');
    expect(q.get('nonce')).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(q.get('sig')).toBe('Ui2VWmmU--kPNHFzi5IybVj16Vg5QE3qmobNAH_ukFQ');
  });
});

describe('WebSocket frames', () => {
  const json = '{"type":"message.send","id":"c1","to":"bob","text":"hi ☃"}';
  it('builds the frame canonical string', () => {
    expect(canonicalFrame('3q2-7wAAAAAAAAAAAAAAAA', 42, json)).toBe(
      'PARLEY-WS\n3q2-7wAAAAAAAAAAAAAAAA\n42\nd3d6482119aea4095875802c674fb2f124b2e5a603d31eaaa8a90fa5839db86b');
    expect(signFrame(KEY, '3q2-7wAAAAAAAAAAAAAAAA', 42, json)).toBe('UDnXybTWlnL7gX_eJZarTsgJLVaa3rlnsGxS4cSl_hY');
  });
  it('joins seq, signature and json with single spaces', () => {
    expect(buildFrame(KEY, '3q2-7wAAAAAAAAAAAAAAAA', 42, json)).toBe(
      `42 UDnXybTWlnL7gX_eJZarTsgJLVaa3rlnsGxS4cSl_hY ${json}`);
  });
});
