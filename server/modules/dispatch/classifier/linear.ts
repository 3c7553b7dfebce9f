/**
 * Multinomial logistic regression (softmax) on sparse rows, fitted by full-batch L-BFGS with L2
 * regularisation. Full batch and a fixed starting point make training deterministic: the same data
 * gives the same weights, bit for bit, on every machine with IEEE doubles.
 */
export interface SparseRow {
  idx: Int32Array;
  val: Float64Array;
}

export interface Dataset {
  rows: SparseRow[];
  labels: Int32Array;
  /** importance of each example (learned examples may count more than corpus lines) */
  weights: Float64Array;
  nFeatures: number;
  nClasses: number;
}

/** Weights laid out feature-major (w[feature * nClasses + class]) so a row touches contiguous memory. */
export interface LinearWeights {
  nFeatures: number;
  nClasses: number;
  w: Float64Array | Float32Array;
  b: Float64Array | Float32Array;
}

export interface FitOptions {
  /** L2 penalty on the weights (not on the biases) */
  l2: number;
  maxIterations: number;
  /** stop when the objective improves by less than this, relatively */
  tolerance: number;
}

export const DEFAULT_FIT: FitOptions = { l2: 1e-4, maxIterations: 300, tolerance: 1e-7 };

export function scores(m: LinearWeights, row: SparseRow, out = new Float64Array(m.nClasses)): Float64Array {
  const C = m.nClasses;
  for (let c = 0; c < C; c++) out[c] = m.b[c];
  for (let k = 0; k < row.idx.length; k++) {
    const j = row.idx[k];
    if (j >= m.nFeatures) continue;
    const v = row.val[k];
    const base = j * C;
    for (let c = 0; c < C; c++) out[c] += v * m.w[base + c];
  }
  return out;
}

/** In place: scores → probabilities (numerically stable). */
export function softmaxInPlace(z: Float64Array, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) if (z[c] > max) max = z[c];
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    z[c] = Math.exp((z[c] - max) / temperature);
    sum += z[c];
  }
  for (let c = 0; c < z.length; c++) z[c] /= sum;
  return z;
}

export function fitSoftmax(data: Dataset, opts: FitOptions = DEFAULT_FIT): LinearWeights {
  const { nFeatures: F, nClasses: C, rows, labels, weights } = data;
  const nw = F * C;
  let totalWeight = 0;
  for (let i = 0; i < weights.length; i++) totalWeight += weights[i];
  const z = new Float64Array(C);
  // params: weights then biases
  const objective = (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let c = 0; c < C; c++) z[c] = x[nw + c];
      for (let k = 0; k < row.idx.length; k++) {
        const base = row.idx[k] * C;
        const v = row.val[k];
        for (let c = 0; c < C; c++) z[c] += v * x[base + c];
      }
      let max = -Infinity;
      for (let c = 0; c < C; c++) if (z[c] > max) max = z[c];
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(z[c] - max);
      const lse = max + Math.log(sum);
      const wi = weights[i] / totalWeight;
      loss += wi * (lse - z[labels[i]]);
      for (let c = 0; c < C; c++) {
        const d = wi * (Math.exp(z[c] - lse) - (c === labels[i] ? 1 : 0));
        z[c] = d;
        grad[nw + c] += d;
      }
      for (let k = 0; k < row.idx.length; k++) {
        const base = row.idx[k] * C;
        const v = row.val[k];
        for (let c = 0; c < C; c++) grad[base + c] += v * z[c];
      }
    }
    let reg = 0;
    for (let p = 0; p < nw; p++) {
      reg += x[p] * x[p];
      grad[p] += opts.l2 * x[p];
    }
    return loss + 0.5 * opts.l2 * reg;
  };
  const x = lbfgs(objective, new Float64Array(nw + C), opts);
  return { nFeatures: F, nClasses: C, w: x.subarray(0, nw), b: x.subarray(nw) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Limited-memory BFGS with a backtracking (Armijo) line search; buffers are reused, not reallocated. */
function lbfgs(f: (x: Float64Array, g: Float64Array) => number, x0: Float64Array, opts: FitOptions, memory = 5): Float64Array {
  const n = x0.length;
  let x: Float64Array = x0;
  let g: Float64Array = new Float64Array(n);
  let fx = f(x, g);
  let xn: Float64Array = new Float64Array(n);
  let gn: Float64Array = new Float64Array(n);
  const d = new Float64Array(n);
  // curvature pairs in a ring: pair k lives at slot (start + k) % memory
  const S = Array.from({ length: memory }, () => new Float64Array(0));
  const Y = Array.from({ length: memory }, () => new Float64Array(0));
  const rho = new Float64Array(memory);
  const alpha = new Float64Array(memory);
  let start = 0;
  let count = 0;
  const slot = (k: number) => (start + k) % memory;
  for (let iter = 0; iter < opts.maxIterations; iter++) {
    // two-loop recursion: d = -H·g
    d.set(g);
    for (let k = count - 1; k >= 0; k--) {
      const i = slot(k);
      alpha[i] = rho[i] * dot(S[i], d);
      const y = Y[i];
      const a = alpha[i];
      for (let p = 0; p < n; p++) d[p] -= a * y[p];
    }
    const gnorm = Math.sqrt(dot(g, g));
    const gamma = count > 0 ? dot(S[slot(count - 1)], Y[slot(count - 1)]) / dot(Y[slot(count - 1)], Y[slot(count - 1)]) : 1 / Math.max(1e-12, gnorm);
    for (let p = 0; p < n; p++) d[p] *= gamma;
    for (let k = 0; k < count; k++) {
      const i = slot(k);
      const beta = rho[i] * dot(Y[i], d);
      const s = S[i];
      const c = alpha[i] - beta;
      for (let p = 0; p < n; p++) d[p] += s[p] * c;
    }
    for (let p = 0; p < n; p++) d[p] = -d[p];
    let gd = dot(g, d);
    if (!(gd < 0)) {
      // not a descent direction: forget the curvature pairs and follow the gradient
      count = 0;
      for (let p = 0; p < n; p++) d[p] = -g[p] / Math.max(1e-12, gnorm);
      gd = dot(g, d);
    }
    let t = 1;
    let fn = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let p = 0; p < n; p++) xn[p] = x[p] + t * d[p];
      fn = f(xn, gn);
      if (fn <= fx + 1e-4 * t * gd) break;
      t *= 0.5;
    }
    if (!(fn < fx)) break;
    // the new pair goes into the oldest slot once the ring is full
    const i = count < memory ? slot(count) : start;
    if (S[i].length !== n) {
      S[i] = new Float64Array(n);
      Y[i] = new Float64Array(n);
    }
    const s = S[i];
    const y = Y[i];
    for (let p = 0; p < n; p++) {
      s[p] = xn[p] - x[p];
      y[p] = gn[p] - g[p];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      rho[i] = 1 / sy;
      if (count < memory) count++;
      else start = (start + 1) % memory;
    } else if (count === memory) {
      // the oldest pair was overwritten by an unusable one: drop it
      start = (start + 1) % memory;
      count--;
    }
    const improvement = (fx - fn) / Math.max(1, Math.abs(fx));
    // swap buffers: the accepted point becomes current, the old one is scratch for the next search
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    fx = fn;
    if (improvement < opts.tolerance) break;
  }
  return x;
}
