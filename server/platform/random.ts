import { randomBytes as systemRandomBytes, randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `n` bytes from the operating system's CSPRNG, handed out from a pooled buffer: one system call per
 * 4 KB instead of one per id or IV, which a bulk import makes a hundred thousand times. Every byte is
 * handed out once (copied out, never a view of the pool); the pool is refilled before any would be
 * reused. A request larger than the pool goes to the system directly.
 */
export function randomBytes(n: number): Buffer {
  if (n > POOL_BYTES) return systemRandomBytes(n);
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.allocUnsafe(n);
  pool.copy(out, 0, offset, offset + n);
  offset += n;
  return out;
}
