/**
 * A Bloom filter of dedupe keys: "certainly never seen" without a database read. Nearly every
 * delivery is new, so the inbox asks SQLite whether a key is known only when this filter says it
 * may be (a repeat, or one false alarm in a hundred). Keys are never removed; a key pruned from
 * SQLite only costs one read more when it comes again.
 */
export class KeyFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;
  private readonly hashes: number;
  private count = 0;

  /** Sized for `capacity` keys at about 1% false alarms; more keys only make alarms likelier. */
  constructor(readonly capacity: number) {
    // m = -n ln p / (ln 2)^2 bits, k = (m / n) ln 2 hashes, for p = 0.01.
    this.size = Math.max(1024, Math.ceil((capacity * 9.59) / 32) * 32);
    this.hashes = 7;
    this.bits = new Uint32Array(this.size / 32);
  }

  add(key: string): void {
    const [h1, h2] = hashPair(key);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + i * h2) % this.size;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
  }

  /** False means the key was never added; true means it may have been. */
  mayHave(key: string): boolean {
    const [h1, h2] = hashPair(key);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + i * h2) % this.size;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** More keys than it was sized for: false alarms grow past 1%. */
  full(): boolean {
    return this.count > this.capacity;
  }
}

/** Two independent 32-bit hashes (FNV-1a with two offsets), combined as h1 + i·h2 (Kirsch–Mitzenmacher). */
function hashPair(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // h2 odd, so the i·h2 steps visit different bits.
  return [a >>> 0, (b | 1) >>> 0];
}
