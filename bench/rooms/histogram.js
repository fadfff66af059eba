// Latency histogram for the room and presence benchmarks: hundreds of
// thousands of samples per step are too many to keep as arrays and ship
// between processes, so each process counts them in fixed 0.05 ms buckets up
// to 2 s (exact enough for a p99 against a 100 ms target) and keeps the rare
// slower samples as they are. Histograms of several processes add up.

const kBucketMs = 0.05;
const kBuckets = 40000; // 0 .. 2000 ms

export class Histogram {
  constructor() {
    this.counts = new Uint32Array(kBuckets);
    this.slow = []; // samples >= 2000 ms, in ms
    this.n = 0;
    this.max = 0;
  }

  add(ms) {
    const v = ms < 0 ? 0 : ms;
    this.n += 1;
    if (v > this.max) this.max = v;
    const i = Math.floor(v / kBucketMs);
    if (i < kBuckets) this.counts[i] += 1;
    else this.slow.push(v);
  }

  // A plain object that survives the fork IPC channel (JSON), sparse.
  toJSON() {
    const nz = [];
    for (let i = 0; i < kBuckets; i++) if (this.counts[i] !== 0) nz.push(i, this.counts[i]);
    return { nz, slow: this.slow, n: this.n, max: this.max };
  }

  static fromJSON(o) {
    const h = new Histogram();
    h.merge(o);
    return h;
  }

  merge(o) {
    for (let k = 0; k < o.nz.length; k += 2) this.counts[o.nz[k]] += o.nz[k + 1];
    for (const v of o.slow) this.slow.push(v);
    this.n += o.n;
    if (o.max > this.max) this.max = o.max;
  }

  // The p-th percentile in ms (upper edge of its bucket), null when empty.
  percentile(p) {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < kBuckets; i++) {
      seen += this.counts[i];
      if (seen >= rank) return (i + 1) * kBucketMs;
    }
    const slow = [...this.slow].sort((a, b) => a - b);
    return slow[Math.min(slow.length - 1, rank - seen - 1)];
  }

  summary() {
    const r = (x) => (x === null ? null : Math.round(x * 100) / 100);
    return { n: this.n, p50: r(this.percentile(50)), p90: r(this.percentile(90)), p99: r(this.percentile(99)), max: r(this.n ? this.max : null) };
  }
}
