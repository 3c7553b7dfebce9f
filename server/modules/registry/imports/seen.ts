/**
 * The blind indexes of the ID numbers an import has seen, each with the first row it was on, to name
 * duplicate people. Kept in an open-addressing table in two typed buffers — 24 bytes of index and a
 * 4-byte row number per slot, 37–75 bytes a row, outside the JavaScript heap — rather than a Map of
 * strings (over 100 bytes a row on the heap, traced by every collection, and let grow to several
 * times that before one): a million-row file needs about 60 MB here.
 */
const KEY_BYTES = 24; // a blind index is 32 base64url characters

export class SeenIds {
  private capacity = 1 << 12;
  private size = 0;
  private keys = Buffer.alloc(this.capacity * KEY_BYTES);
  private rows = new Uint32Array(this.capacity); // row + 1; 0 marks an empty slot

  /** The row `hash` was first seen on; undefined (and remembered as seen on `row`) the first time. */
  firstRow(hash: string, row: number): number | undefined {
    const key = Buffer.from(hash, 'base64url');
    if (key.length !== KEY_BYTES) throw new Error('not a blind index');
    const slot = this.find(key);
    if (this.rows[slot] !== 0) return this.rows[slot] - 1;
    key.copy(this.keys, slot * KEY_BYTES);
    this.rows[slot] = row + 1;
    if (++this.size * 4 > this.capacity * 3) this.grow(); // at most three quarters full
    return undefined;
  }

  get count() {
    return this.size;
  }

  /** The slot holding `key`, or the empty slot where it belongs (linear probing; the index is uniformly random). */
  private find(key: Buffer): number {
    const mask = this.capacity - 1;
    let slot = key.readUInt32LE(0) & mask;
    while (this.rows[slot] !== 0 && this.keys.compare(key, 0, KEY_BYTES, slot * KEY_BYTES, (slot + 1) * KEY_BYTES) !== 0) slot = (slot + 1) & mask;
    return slot;
  }

  private grow() {
    const { keys, rows } = this;
    this.capacity *= 2;
    this.keys = Buffer.alloc(this.capacity * KEY_BYTES);
    this.rows = new Uint32Array(this.capacity);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === 0) continue;
      const key = keys.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
      const slot = this.find(key);
      key.copy(this.keys, slot * KEY_BYTES);
      this.rows[slot] = rows[i];
    }
  }
}
