import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, type DecipherGCM } from 'node:crypto';
import { randomBytes as pooledRandomBytes } from '../random.ts';
import { Transform } from 'node:stream';

/**
 * Encryption at rest and blind indexes for personal data. Keys are derived from the master secret
 * (LINLI_SECRET) with HKDF, one per purpose. Ciphertexts name the key that made them, so older
 * secrets (LINLI_SECRET_PREVIOUS) can still be read while `npm run keys:rotate` re-encrypts.
 *
 *   ciphertext = "v1." + keyId + "." + base64url(iv ‖ tag ‖ data)   (AES-256-GCM)
 *   blind index = base64url(HMAC-SHA256(indexKey, purpose ‖ normalised value)) — exact lookup only
 */
interface KeySet {
  id: string;
  enc: Buffer;
  index: Buffer;
  token: Buffer;
  file: Buffer;
}

const FILE_MAGIC = Buffer.from('LNLF1');

export function parseSecret(secret: string): Buffer {
  const s = secret.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
  if (buf.length < 32) throw new Error('LINLI_SECRET must be at least 32 bytes (64 hex characters or base64)');
  return buf;
}

function derive(master: Buffer): KeySet {
  const k = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `linli:${info}`, 32));
  const enc = k('pii-encryption');
  return { id: createHash('sha256').update(enc).digest('hex').slice(0, 8), enc, index: k('blind-index'), token: k('token-pepper'), file: k('file-encryption') };
}

export class PiiCrypto {
  private readonly current: KeySet;
  private readonly all: Map<string, KeySet>;
  private readonly previous: KeySet[];

  constructor(secret: string, previousSecrets: string[] = []) {
    this.current = derive(parseSecret(secret));
    this.previous = previousSecrets.map((s) => derive(parseSecret(s)));
    this.all = new Map([this.current, ...this.previous].map((k) => [k.id, k]));
  }

  get keyId() {
    return this.current.id;
  }

  /** Whether a ciphertext made under this key id can be read (the current or a previous secret). */
  knows(keyId: string): boolean {
    return this.all.has(keyId);
  }

  encrypt(plain: string): string {
    const iv = pooledRandomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.current.enc, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1.${this.current.id}.${Buffer.concat([iv, c.getAuthTag(), data]).toString('base64url')}`;
  }

  decrypt(cipher: string): string {
    const [v, kid, body] = cipher.split('.');
    const key = this.all.get(kid);
    if (v !== 'v1' || !key || !body) throw new Error('unreadable ciphertext (unknown key or format)');
    const raw = Buffer.from(body, 'base64url');
    const d = createDecipheriv('aes-256-gcm', key.enc, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  }

  /** True when the ciphertext was made with an older key and should be re-encrypted. */
  isStale(cipher: string): boolean {
    return cipher.split('.')[1] !== this.current.id;
  }

  blindIndex(purpose: string, normalized: string): string {
    return createHmac('sha256', this.current.index).update(`${purpose}\u0000${normalized}`).digest('base64url').slice(0, 32);
  }

  /** Indexes under the current and every previous key: lookups match rows not yet rotated. */
  blindIndexes(purpose: string, normalized: string): string[] {
    return [this.current, ...this.previous].map((k) =>
      createHmac('sha256', k.index).update(`${purpose}\u0000${normalized}`).digest('base64url').slice(0, 32),
    );
  }

  /**
   * Encrypts a stream (uploaded spreadsheets full of ID numbers): "LNLF1" ‖ keyId (8) ‖ iv (12) ‖
   * AES-256-GCM ciphertext ‖ tag (16). Streaming, so a large file never sits in memory.
   */
  encryptingStream(): Transform {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.current.file, iv);
    let started = false;
    return new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        const head = started ? [] : [FILE_MAGIC, Buffer.from(this.current.id, 'latin1'), iv];
        started = true;
        cb(null, Buffer.concat([...head, c.update(chunk)]));
      },
      flush: (cb) => {
        const head = started ? [] : [FILE_MAGIC, Buffer.from(this.current.id, 'latin1'), iv];
        cb(null, Buffer.concat([...head, c.final(), c.getAuthTag()]));
      },
    });
  }

  /** The reverse of encryptingStream; fails at the end if the file was altered. */
  decryptingStream(): Transform {
    const headLen = FILE_MAGIC.length + 8 + 12;
    let head = Buffer.alloc(0);
    let d: DecipherGCM | null = null;
    // the last 16 bytes are the tag: hold them back until the end
    let tail = Buffer.alloc(0);
    const all = this.all;
    return new Transform({
      transform(chunk: Buffer, _enc, cb) {
        try {
          if (!d) {
            head = Buffer.concat([head, chunk]);
            if (head.length < headLen) return cb();
            if (!head.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) throw new Error('not an encrypted Linli file');
            const key = all.get(head.subarray(FILE_MAGIC.length, FILE_MAGIC.length + 8).toString('latin1'));
            if (!key) throw new Error('unreadable file (unknown key)');
            d = createDecipheriv('aes-256-gcm', key.file, head.subarray(FILE_MAGIC.length + 8, headLen));
            chunk = head.subarray(headLen);
          }
          const data = Buffer.concat([tail, chunk]);
          tail = data.subarray(Math.max(0, data.length - 16));
          cb(null, d.update(data.subarray(0, Math.max(0, data.length - 16))));
        } catch (e) {
          cb(e as Error);
        }
      },
      flush(cb) {
        try {
          if (!d || tail.length !== 16) throw new Error('truncated encrypted file');
          d.setAuthTag(tail);
          cb(null, d.final());
        } catch (e) {
          cb(e as Error);
        }
      },
    });
  }

  /** Keyed hash of a short one-time code: a stolen table alone cannot be brute-forced offline. */
  otpHash(phoneHash: string, code: string): string {
    return createHmac('sha256', this.current.token).update(`${phoneHash}\u0000${code}`).digest('base64url');
  }
}

export interface Sealed {
  enc: string;
  hash: string;
}

/** Encrypts and blind-indexes many values for one purpose (bulk loads may run it on worker threads). */
export type SealMany = (purpose: string, values: string[]) => Promise<Sealed[]>;

export function sealInThread(pii: PiiCrypto): SealMany {
  return async (purpose, values) => values.map((v) => ({ enc: pii.encrypt(v), hash: pii.blindIndex(purpose, v) }));
}

/** Session and API tokens are 256-bit random values, so a plain SHA-256 is enough to store them. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function generateSecret(): string {
  return randomBytes(32).toString('hex');
}
