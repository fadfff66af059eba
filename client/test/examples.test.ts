// Checks the shared protocol examples (protocol/examples/): the signing
// vectors must come out byte for byte, and every server message must parse.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFrame, canonicalFrame, canonicalHttp, hexSha256, signFrame, signHttp } from '../src/api/signing';
import { parseServerMsg } from '../src/api/types';
import { fromBase64url } from '../src/crypto/encoding';

const EXAMPLES = join(__dirname, '..', '..', 'protocol', 'examples');
const SIGNING = join(EXAMPLES, 'signing');

function jsonFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
}

interface Vector {
  kind: 'http' | 'ws';
  key: string;
  method?: string;
  target?: string;
  timestamp?: number;
  nonce?: string;
  body?: string;
  body_sha256?: string;
  session_id?: string;
  seq?: number;
  json?: string;
  json_sha256?: string;
  canonical: string;
  signature: string;
  frame?: string;
}

describe('protocol/examples/signing', () => {
  const files = jsonFiles(SIGNING);
  it('has vectors', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, () => {
      const v = JSON.parse(readFileSync(join(SIGNING, f), 'utf8')) as Vector;
      const key = fromBase64url(v.key)!;
      expect(key).toHaveLength(32);
      if (v.kind === 'http') {
        const ts = String(v.timestamp);
        expect(hexSha256(v.body!)).toBe(v.body_sha256);
        expect(canonicalHttp(v.method!, v.target!, ts, v.nonce!, v.body!)).toBe(v.canonical);
        expect(signHttp(key, v.method!, v.target!, ts, v.nonce!, v.body!)).toBe(v.signature);
      } else {
        expect(hexSha256(v.json!)).toBe(v.json_sha256);
        expect(canonicalFrame(v.session_id!, v.seq!, v.json!)).toBe(v.canonical);
        expect(signFrame(key, v.session_id!, v.seq!, v.json!)).toBe(v.signature);
        if (v.frame) expect(buildFrame(key, v.session_id!, v.seq!, v.json!)).toBe(v.frame);
      }
    });
  }
});

describe('protocol/examples messages', () => {
  const files = jsonFiles(EXAMPLES);
  const s2c = files.filter((f) => f.startsWith('s2c.'));
  it.skipIf(s2c.length === 0)('every server-to-browser example parses as its type', () => {
    for (const f of s2c) {
      const text = readFileSync(join(EXAMPLES, f), 'utf8');
      const type = f.slice(4, -5);
      const m = parseServerMsg(text);
      if (['hello', 'pong', 'message.status', 'message', 'presence', 'error'].includes(type)) {
        expect(m, f).not.toBeNull();
        expect(m!.type, f).toBe(type);
      }
    }
  });
});
