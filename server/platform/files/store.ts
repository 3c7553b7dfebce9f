import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where uploaded bytes live. Files are stored once per content hash (the same photo uploaded twice is
 * one file). The local implementation writes under LINLI_FILES_DIR; a deployment with several servers
 * points that at shared storage or supplies another FileStore (object storage) with the same contract.
 */
export interface FileStore {
  put(bytes: Buffer): Promise<{ sha256: string; size: number }>;
  get(sha256: string): Promise<Buffer>;
  /** stores a stream without holding it in memory (large spreadsheet imports) */
  putStream(stream: Readable): Promise<{ sha256: string; size: number }>;
  open(sha256: string): Readable;
}

/** Passes bytes through while hashing and counting them. */
function hashing() {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return { t, done: () => ({ sha256: hash.digest('hex'), size }) };
}

export class LocalFileStore implements FileStore {
  constructor(private readonly dir: string) {}

  private pathOf(sha256: string) {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('bad content hash');
    return path.join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Buffer) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathOf(sha256);
    try {
      await stat(target);
    } catch {
      await mkdir(path.dirname(target), { recursive: true });
      // write then rename: a crash never leaves a half-written file under the final name
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, target);
    }
    return { sha256, size: bytes.length };
  }

  get(sha256: string) {
    return readFile(this.pathOf(sha256));
  }

  async putStream(stream: Readable) {
    await mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `upload.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
    const h = hashing();
    try {
      await pipeline(stream, h.t, createWriteStream(tmp));
      const r = h.done();
      const target = this.pathOf(r.sha256);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
      return r;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  open(sha256: string) {
    return createReadStream(this.pathOf(sha256));
  }
}

/** In memory, for tests. */
export class MemoryFileStore implements FileStore {
  private files = new Map<string, Buffer>();
  async put(bytes: Buffer) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.files.set(sha256, Buffer.from(bytes));
    return { sha256, size: bytes.length };
  }
  async get(sha256: string) {
    const b = this.files.get(sha256);
    if (!b) throw Object.assign(new Error('not found'), { code: 'ENOENT' });
    return b;
  }
  async putStream(stream: Readable) {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return this.put(Buffer.concat(chunks));
  }
  open(sha256: string) {
    const b = this.files.get(sha256);
    if (!b) throw Object.assign(new Error('not found'), { code: 'ENOENT' });
    // small chunks, like a file read, so readers see chunk boundaries
    return Readable.from((function* () {
      for (let i = 0; i < b.length; i += 16 * 1024) yield b.subarray(i, i + 16 * 1024);
    })());
  }
}

/**
 * The real type of an upload, read from its first bytes (never trust the name or the declared
 * type). Only these kinds are accepted anywhere in Linli.
 */
export function sniffMime(b: Buffer): string | null {
  const starts = (sig: number[], offset = 0) => sig.every((x, i) => b[offset + i] === x);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = b.subarray(8, 12).toString('latin1');
    if (['heic', 'heix', 'mif1', 'msf1', 'hevc'].includes(brand)) return 'image/heic';
    if (['isom', 'mp41', 'mp42', 'avc1', 'M4V '].includes(brand)) return 'video/mp4';
  }
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  return null;
}
