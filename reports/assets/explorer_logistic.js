/*
 * Prior explorer, primary model: the aggregate logistic model on two-arm counts, answered
 * exactly (deterministic integration) in the browser.
 *
 * models/report/explorer.py inlines this file just before explorer.js, in the same script
 * element; it defines window.priorExplorerLogistic (once per page, whatever the number of
 * explorers), which explorer.js uses for its logistic panel. No library, no network.
 *
 * Model (as models/exact/logistic_posterior.py, the report's reference implementation):
 *   control events   ~ Binomial(n_c, expit(a)),
 *   treatment events ~ Binomial(n_t, expit(a + b)),
 *   a ~ N(mu_a, s_a)   the control-arm log-odds prior,
 *   b ~ N(m, s)        the log odds ratio prior, treatment vs control.
 * Every statement about the effect is the posterior probability of an event b > h(a):
 *   benefit          b > 0;
 *   OR > r           b > log r;
 *   ARD > d          b > logit(expit(a) + d) - a, impossible where expit(a) + d >= 1 and
 *                    certain where expit(a) + d <= 0 (ARD = expit(a + b) - expit(a), in
 *                    proportion units: 0.1 = 10 percentage points).
 * So one routine, LogisticPosterior.probabilityAbove, integrates
 *   P(b > h(a)) = [integral da of integral over b > h(a) of post(a, b) db] / Z      (1)
 * with composite Gauss-Legendre rules (three pieces per dimension, OUTER_NODES and
 * INNER_NODES nodes per piece). The outer range (a) holds the marginal posterior of a down
 * to e^-TAIL_LOG_DROP of its peak (found from the joint mode and its curvature, then widened
 * until the log marginal at both ends is that far down; the posterior is log-concave, so the
 * ends suffice); for each outer node a, the inner range (b) is the conditional mode +-
 * INNER_SDS conditional SDs, widened the same way, and the event cuts it at h(a) per node. Where h(a) runs to +-infinity (the ARD events, at
 * expit(a) = 1 - d or -d) the outer range is split there, as Python does, so that each
 * piece's integrand is smooth. Medians and 95% intervals (OR: quantiles of b, then exp;
 * ARD: roots of P(ARD > x)) are found by the Illinois root finder from brackets read off
 * the integration grid. tests/test_explorer.py compares every number with the Python
 * reference (LogisticPosterior) for every named prior and outcome.
 *
 * The prior statements of the panel are normal tail areas of the log-OR prior (normalSf,
 * through the regularised incomplete gamma function: erfc(x) = Q(1/2, x^2)).
 */
(function () {
  "use strict";

  if (typeof window !== "undefined" && window.priorExplorerLogistic) return;

  /** Gauss-Legendre nodes of each piece of the outer rule (a) and of the inner rule (b).
   * Each range is cut into three pieces at its centre +- CORE_SDS SDs (the joint mode's a
   * and the marginal SD of a; the conditional mode of b and its SD), each with its own
   * rule, so the mass is covered densely even where a tail is long (few events, a vague
   * prior). The ARD events' singular points cut the outer range further. */
  const OUTER_NODES = 16;
  const INNER_NODES = 12;
  const CORE_SDS = 3;
  /** An integration range ends where the log integrand is this far below its peak
   * (e^-36 is about 2e-16 of the peak). */
  const TAIL_LOG_DROP = 36;
  /** First inner half-width, in conditional SDs of b given a (widened if needed). */
  const INNER_SDS = 8;
  /** First outer half-width, in marginal SDs of a at the joint mode (widened if needed). */
  const OUTER_SDS = 10;
  /** Newton steps for the conditional and joint modes (the log posterior is concave). */
  const NEWTON_STEPS = 60;
  /** Quantiles are found to this width on the working scale (log OR; ARD proportion). */
  const QUANTILE_TOLERANCE = 1e-8;
  /** 97.5% standard normal quantile (95% central intervals). */
  const Z_975 = 1.959963984540054;

  // ---------------------------------------------------------------------------- helpers

  /** log(1 + e^z) without overflow. */
  const softplus = (z) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  const expit = (z) => 1 / (1 + Math.exp(-z));
  const logit = (p) => Math.log(p) - Math.log1p(-p);

  /** Gauss-Legendre nodes and weights on (0, 1) (Newton on the Legendre recurrence). */
  function unitRule(n) {
    const x = new Float64Array(n);
    const w = new Float64Array(n);
    for (let i = 0; i < Math.floor((n + 1) / 2); i++) {
      let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
      let derivative = 1;
      for (let step = 0; step < 100; step++) {
        let p1 = 1;
        let p2 = 0;
        for (let j = 1; j <= n; j++) {
          const p3 = p2;
          p2 = p1;
          p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
        }
        derivative = (n * (z * p1 - p2)) / (z * z - 1);
        const previous = z;
        z = previous - p1 / derivative;
        if (Math.abs(z - previous) < 1e-15) break;
      }
      x[i] = (1 - z) / 2;
      x[n - 1 - i] = (1 + z) / 2;
      w[i] = w[n - 1 - i] = 1 / ((1 - z * z) * derivative * derivative);
    }
    return { x, w };
  }

  const OUTER_RULE = unitRule(OUTER_NODES);
  const INNER_RULE = unitRule(INNER_NODES);

  /** Regularised upper incomplete gamma Q(a, x) (Numerical Recipes gser / gcf). */
  function gammaQ(a, x, logGammaA) {
    if (x <= 0) return 1;
    const front = Math.exp(-x + a * Math.log(x) - logGammaA);
    if (x < a + 1) {
      let term = 1 / a;
      let sum = term;
      for (let n = 1; n < 1000; n++) {
        term *= x / (a + n);
        sum += term;
        if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
      }
      return 1 - front * sum;
    }
    const TINY = 1e-300;
    let b = x + 1 - a;
    let c = 1 / TINY;
    let d = 1 / b;
    let h = d;
    for (let i = 1; i < 1000; i++) {
      const an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) d = TINY;
      c = b + an / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      const delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    return front * h;
  }

  const LOG_SQRT_PI = 0.5 * Math.log(Math.PI); // log Gamma(1/2)

  /** P(X > value) for X ~ N(mean, sd): erfc(t / sqrt 2) / 2 = Q(1/2, t^2 / 2) / 2. */
  function normalSf(value, mean, sd) {
    const t = (value - mean) / sd;
    const upper = 0.5 * gammaQ(0.5, 0.5 * t * t, LOG_SQRT_PI);
    return t >= 0 ? upper : 1 - upper;
  }

  /**
   * Root of an increasing function g on [low, high] (g(low) <= 0 <= g(high) after the
   * bracket is widened by ``step`` as needed): the Illinois variant of regula falsi.
   */
  function increasingRoot(g, low, high, step, limits) {
    let gLow = g(low);
    for (let i = 0; i < 60 && gLow > 0; i++) {
      low = Math.max(limits[0], low - step);
      gLow = g(low);
      step *= 2;
    }
    let gHigh = g(high);
    for (let i = 0; i < 60 && gHigh < 0; i++) {
      high = Math.min(limits[1], high + step);
      gHigh = g(high);
      step *= 2;
    }
    let side = 0;
    for (let i = 0; i < 200 && high - low > QUANTILE_TOLERANCE; i++) {
      let x = gHigh === gLow ? 0.5 * (low + high) : (low * gHigh - high * gLow) / (gHigh - gLow);
      if (!(x > low && x < high)) x = 0.5 * (low + high);
      const gx = g(x);
      if (gx === 0) return x;
      if (gx < 0) {
        low = x;
        gLow = gx;
        if (side === -1) gHigh /= 2;
        side = -1;
      } else {
        high = x;
        gHigh = gx;
        if (side === 1) gLow /= 2;
        side = 1;
      }
    }
    return 0.5 * (low + high);
  }

  /** The log-OR bound of "ARD > d" given control log-odds a. */
  function ardBound(a, d) {
    const target = expit(a) + d;
    if (target >= 1) return Infinity;
    if (target <= 0) return -Infinity;
    return logit(target) - a;
  }

  /** Control log-odds where the bound of "ARD > d" runs to +-infinity (if any). */
  function ardBreaks(d) {
    const edge = d < 0 ? -d : 1 - d;
    return edge > 0 && edge < 1 ? [logit(edge)] : [];
  }

  // ---------------------------------------------------------------------------- posterior

  /**
   * The posterior of (a, b) for one outcome's counts {treatment: {events, n}, control:
   * {events, n}} and normal priors intercept = {mean, sd} (a, control log-odds) and
   * logOddsRatio = {mean, sd} (b).
   */
  class LogisticPosterior {
    constructor(counts, intercept, logOddsRatio) {
      this.xt = counts.treatment.events;
      this.nt = counts.treatment.n;
      this.xc = counts.control.events;
      this.nc = counts.control.n;
      this.mu = intercept.mean;
      this.sa = intercept.sd;
      this.m = logOddsRatio.mean;
      this.s = logOddsRatio.sd;
      this.edges = this.outerEdges();
      this.shift = undefined;
      this.base = this.grid(this.edges);
      this.shift = this.base.shift;
      this.z = this.massAbove(this.base, () => -Infinity);
    }

    /** log post(a, b) terms in a only (control likelihood and intercept prior). */
    rowConstant(a) {
      const u = (a - this.mu) / this.sa;
      return this.xc * a - this.nc * softplus(a) - 0.5 * u * u;
    }

    /** log post(a, b) terms that involve b (treatment likelihood and log-OR prior). */
    logInner(a, b) {
      const u = (b - this.m) / this.s;
      return this.xt * (a + b) - this.nt * softplus(a + b) - 0.5 * u * u;
    }

    /** Conditional mode of b given a (Newton from ``start``) and the SD from the
     * curvature there. */
    conditionalMode(a, start = this.m) {
      const s2 = this.s * this.s;
      let b = start;
      let p = expit(a + b);
      for (let i = 0; i < NEWTON_STEPS; i++) {
        const gradient = this.xt - this.nt * p - (b - this.m) / s2;
        const curvature = this.nt * p * (1 - p) + 1 / s2;
        const step = Math.max(-2, Math.min(2, gradient / curvature));
        b += step;
        p = expit(a + b);
        if (Math.abs(step) < 1e-10) break;
      }
      return { mode: b, sd: 1 / Math.sqrt(this.nt * p * (1 - p) + 1 / s2) };
    }

    /** One outer node: its b-range (all but e^-TAIL_LOG_DROP of the conditional mass),
     * cut into the inner rule's pieces. */
    row(a, weight, start) {
      const { mode, sd } = this.conditionalMode(a, start);
      const peak = this.logInner(a, mode);
      const half = INNER_SDS * sd;
      let low = mode - half;
      let high = mode + half;
      for (let i = 0; i < 200 && this.logInner(a, low) > peak - TAIL_LOG_DROP; i++) {
        low -= 0.25 * half;
      }
      for (let i = 0; i < 200 && this.logInner(a, high) > peak - TAIL_LOG_DROP; i++) {
        high += 0.25 * half;
      }
      const edges = [low, mode - CORE_SDS * sd, mode + CORE_SDS * sd, high];
      return { a, weight, edges, mode, constant: this.rowConstant(a), peak };
    }

    /** Integral over b above ``low`` of e^(log post - shift) on the row's range, by the
     * inner rule on each of its pieces. */
    innerMass(row, low, shift) {
      const { x, w } = INNER_RULE;
      const offset = row.constant - shift;
      const edges = row.edges;
      let total = 0;
      for (let piece = 0; piece + 1 < edges.length; piece++) {
        const from = Math.max(edges[piece], low);
        const to = edges[piece + 1];
        if (!(from < to)) continue;
        const length = to - from;
        let sum = 0;
        for (let k = 0; k < INNER_NODES; k++) {
          sum += w[k] * Math.exp(offset + this.logInner(row.a, from + length * x[k]));
        }
        total += sum * length;
      }
      return total;
    }

    /** log of the (unnormalised) marginal posterior density of a. */
    logMarginal(a) {
      const row = this.row(a, 1);
      return Math.log(this.innerMass(row, -Infinity, row.constant + row.peak))
        + row.constant + row.peak;
    }

    /** Joint mode (2-D Newton) and the marginal SD of a from the curvature there. */
    jointMode() {
      const rate = (this.xc + 0.5) / (this.nc + 1);
      let a = logit(rate);
      let b = this.m;
      const sa2 = this.sa * this.sa;
      const s2 = this.s * this.s;
      let haa = 1;
      let hbb = 1;
      let hab = 0;
      for (let i = 0; i < NEWTON_STEPS; i++) {
        const pc = expit(a);
        const pt = expit(a + b);
        const vt = this.nt * pt * (1 - pt);
        const ga = this.xc - this.nc * pc + this.xt - this.nt * pt - (a - this.mu) / sa2;
        const gb = this.xt - this.nt * pt - (b - this.m) / s2;
        haa = this.nc * pc * (1 - pc) + vt + 1 / sa2; // minus the Hessian
        hbb = vt + 1 / s2;
        hab = vt;
        const det = haa * hbb - hab * hab;
        const da = Math.max(-2, Math.min(2, (hbb * ga - hab * gb) / det));
        const db = Math.max(-2, Math.min(2, (haa * gb - hab * ga) / det));
        a += da;
        b += db;
        if (Math.abs(da) < 1e-12 && Math.abs(db) < 1e-12) break;
      }
      return { a, b, sdA: Math.sqrt(hbb / (haa * hbb - hab * hab)) };
    }

    /** The outer range's pieces: [low, mode - CORE_SDS sd, mode + CORE_SDS sd, high],
     * low and high holding all but e^-TAIL_LOG_DROP of the marginal posterior of a. */
    outerEdges() {
      const { a, sdA } = this.jointMode();
      const peak = this.logMarginal(a);
      const half = OUTER_SDS * sdA;
      let low = a - half;
      let high = a + half;
      for (let i = 0; i < 40 && this.logMarginal(low) > peak - TAIL_LOG_DROP; i++) low -= half;
      for (let i = 0; i < 40 && this.logMarginal(high) > peak - TAIL_LOG_DROP; i++) high += half;
      return [low, a - CORE_SDS * sdA, a + CORE_SDS * sdA, high];
    }

    /** Outer nodes (with their rows) of the rule on each piece between ``edges``; each
     * conditional mode starts from the previous node's (they move smoothly with a). */
    grid(edges) {
      const rows = [];
      const { x, w } = OUTER_RULE;
      let start = this.m;
      for (let piece = 0; piece + 1 < edges.length; piece++) {
        const length = edges[piece + 1] - edges[piece];
        for (let k = 0; k < OUTER_NODES; k++) {
          const row = this.row(edges[piece] + length * x[k], length * w[k], start);
          start = row.mode;
          rows.push(row);
        }
      }
      let shift = -Infinity;
      for (const row of rows) shift = Math.max(shift, row.constant + row.peak);
      return { rows, shift: this.shift === undefined ? shift : this.shift };
    }

    /** Sum over outer nodes of weight x inner mass above bound(a) (unnormalised). */
    massAbove(grid, bound) {
      let total = 0;
      for (const row of grid.rows) {
        total += row.weight * this.innerMass(row, bound(row.a), this.shift);
      }
      return total;
    }

    /**
     * P(b > bound(a) | data), (1). ``breaks``: control log-odds where bound runs to
     * +-infinity; the outer range is also cut there (a new grid) when they fall inside it.
     */
    probabilityAbove(bound, breaks = []) {
      const [low, high] = [this.edges[0], this.edges[this.edges.length - 1]];
      const inside = breaks.filter((v) => v > low && v < high);
      const grid = inside.length
        ? this.grid([...this.edges, ...inside].sort((u, v) => u - v)) : this.base;
      return Math.min(1, Math.max(0, this.massAbove(grid, bound) / this.z));
    }

    /** P(OR > r) = P(b > log r). */
    pOrGreater(r) {
      const bound = Math.log(r);
      return this.probabilityAbove(() => bound);
    }

    /** P(ARD > d), d in proportion units. */
    pArdGreater(d) {
      return this.probabilityAbove((a) => ardBound(a, d), ardBreaks(d));
    }

    /** Marginal posterior density of b (the log OR) at v. */
    logOrDensity(v) {
      let total = 0;
      for (const row of this.base.rows) {
        total += row.weight * Math.exp(row.constant - this.shift + this.logInner(row.a, v));
      }
      return total / this.z;
    }

    /** Posterior mean and SD of f(a, b), by the base grid (starting points for quantiles). */
    moments(f) {
      const { x, w } = INNER_RULE;
      let sum = 0;
      let sumSquares = 0;
      for (const row of this.base.rows) {
        const edges = row.edges;
        for (let piece = 0; piece + 1 < edges.length; piece++) {
          const length = edges[piece + 1] - edges[piece];
          for (let k = 0; k < INNER_NODES; k++) {
            const b = edges[piece] + length * x[k];
            const mass = row.weight * length * w[k]
              * Math.exp(row.constant - this.shift + this.logInner(row.a, b));
            const value = f(row.a, b);
            sum += mass * value;
            sumSquares += mass * value * value;
          }
        }
      }
      const mean = sum / this.z;
      return { mean, sd: Math.sqrt(Math.max(sumSquares / this.z - mean * mean, 1e-12)) };
    }

    /** The p-quantile of the log OR (b): Newton on the CDF (its slope is the density),
     * from the normal guess, falling back to the bracketing root finder. */
    logOrQuantile(p) {
      const { mean, sd } = this.logOrMoments || (this.logOrMoments = this.moments((a, b) => b));
      let v = mean + sd * normalQuantileGuess(p);
      for (let i = 0; i < 12; i++) {
        const gap = 1 - this.pOrGreater(Math.exp(v)) - p;
        const slope = this.logOrDensity(v);
        const step = gap / slope;
        if (!(Math.abs(step) < sd)) break;
        v -= step;
        if (Math.abs(step) < QUANTILE_TOLERANCE) return v;
      }
      return increasingRoot((u) => 1 - this.pOrGreater(Math.exp(u)) - p,
        v - 0.25 * sd, v + 0.25 * sd, 0.5 * sd, [-50, 50]);
    }

    /** The p-quantile of the ARD (proportion units): roots of P(ARD > x), bracketed from
     * the normal guess. */
    ardQuantile(p) {
      const { mean, sd } = this.ardMoments
        || (this.ardMoments = this.moments((a, b) => expit(a + b) - expit(a)));
      const limits = [-0.999999, 0.999999];
      const clamp = (v) => Math.max(limits[0], Math.min(limits[1], v));
      const guess = mean + sd * normalQuantileGuess(p);
      return increasingRoot((v) => 1 - this.pArdGreater(v) - p,
        clamp(guess - 0.1 * sd), clamp(guess + 0.1 * sd), 0.2 * sd, limits);
    }
  }

  /** Standard normal quantile for the three levels used (0.025, 0.5, 0.975), else a
   * logistic approximation (only a starting point). */
  function normalQuantileGuess(p) {
    if (p === 0.5) return 0;
    if (Math.abs(p - 0.975) < 1e-12) return Z_975;
    if (Math.abs(p - 0.025) < 1e-12) return -Z_975;
    return logit(p) / 1.702;
  }

  // ---------------------------------------------------------------------------- summaries

  /**
   * Every number the logistic panel shows, for one outcome {treatment, control, direction}
   * and priors intercept = {mean, sd}, logOddsRatio = {mean, sd}. ``designOddsRatio`` (the
   * calibration's, or null) is taken towards benefit for the outcome's direction (above 1
   * when more events is better, below 1 when fewer is). Probabilities of benefit follow the
   * direction: P(OR > 1) or P(OR < 1); P(ARD > 0.1) or P(ARD < -0.1).
   */
  function summariseLogistic(outcome, intercept, logOddsRatio, designOddsRatio) {
    const higher = outcome.direction !== "lower";
    const prior = priorStatements(intercept, logOddsRatio, designOddsRatio, higher);
    const post = new LogisticPosterior(outcome, intercept, logOddsRatio);
    const above0 = post.pOrGreater(1);
    const tail = 0.025;
    const orQuantiles = [0.5, tail, 1 - tail].map((q) => Math.exp(post.logOrQuantile(q)));
    const ardQuantiles = [0.5, tail, 1 - tail].map((q) => post.ardQuantile(q));
    return {
      ...prior,
      pBenefit: higher ? above0 : 1 - above0,
      pArdAbove10: higher ? post.pArdGreater(0.1) : 1 - post.pArdGreater(-0.1),
      orMedian: orQuantiles[0],
      orLower: orQuantiles[1],
      orUpper: orQuantiles[2],
      ardMedian: ardQuantiles[0],
      ardLower: ardQuantiles[1],
      ardUpper: ardQuantiles[2],
    };
  }

  /** What the priors say before the data: P(OR beyond the design effect, towards benefit),
   * P(harm) = P(OR < 1) (or P(OR > 1) when fewer events is better), the prior median OR and
   * the control rate's prior median and 95% interval (0-1 scale). */
  function priorStatements(intercept, logOddsRatio, designOddsRatio, higher) {
    const above1 = normalSf(0, logOddsRatio.mean, logOddsRatio.sd);
    let design = null;
    let pBeyondDesign = null;
    if (designOddsRatio) {
      design = (designOddsRatio > 1) === higher ? designOddsRatio : 1 / designOddsRatio;
      const aboveDesign = normalSf(Math.log(design), logOddsRatio.mean, logOddsRatio.sd);
      pBeyondDesign = higher ? aboveDesign : 1 - aboveDesign;
    }
    return {
      designOddsRatio: design,
      priorPBeyondDesign: pBeyondDesign,
      priorPHarm: higher ? 1 - above1 : above1,
      priorOrMedian: Math.exp(logOddsRatio.mean),
      controlRate: [0, -Z_975, Z_975].map((z) => expit(intercept.mean + z * intercept.sd)),
    };
  }

  const api = {
    OUTER_NODES, INNER_NODES, LogisticPosterior, summariseLogistic, priorStatements, normalSf,
    unitRule,
  };
  if (typeof window === "undefined") {
    module.exports = api; // node, for quick numerical checks
    return;
  }
  window.priorExplorerLogistic = api;
})();
