/*
 * Prior explorer: an interactive Beta-binomial calculator for the report.
 *
 * models/report/explorer.py inlines this file into one HTML fragment together with the data
 * (trial counts per outcome, the named priors' Beta parameters, labels and colours) as JSON
 * in a script element of type application/json, class pe-data. No library, no network, no
 * build step: it works from file:// in any current browser.
 *
 * Model: independent Beta priors on each arm's rate, p_t ~ Beta(a_t, b_t) (treatment) and
 * p_c ~ Beta(a_c, b_c) (control); with x of n events the posterior is Beta(a + x, b + n - x).
 * Everything shown is a summary of ARD = p_t - p_c (proportion scale inside, percentage
 * points on screen), the quantity that models/exact/beta_contrast.py (BetaContrast, the
 * report's one implementation, by tanh-sinh quadrature) computes in Python:
 *
 *   P(ARD > d) = integral over x of f_t(x) F_c(x - d) dx                                  (1)
 *
 * with f the Beta density and F the Beta CDF (regularised incomplete Beta). Here (1) is
 * composite Simpson on a fixed grid of GRID_INTERVALS intervals of [0, 1], and quantiles
 * are found by bisection. tests/test_explorer.py compares the probabilities, quantiles and
 * chart densities with BetaContrast for every named prior and outcome (1e-5 required;
 * measured on the shipped priors' posteriors: probabilities about 1e-14, quantiles about
 * 1e-9, densities about 1e-11 of their peak).
 *
 * API for tests and for the curious reader (browser console):
 *   window.priorExplorer.compute(outcome, alphaT, betaT, alphaC, betaC)
 *     -> {pBenefit, pArdAbove10, pArdAbove: {"0", "0.05", "0.1", "0.2"}, pBenefitAbove,
 *         ardMedian, ardLower, ardUpper, posterior: {treatment: {alpha, beta}, control:
 *         {alpha, beta}}, accurate}
 *     Arguments are PRIOR parameters; the outcome's counts are added. ARD values are
 *     proportions (0.1 = 10 percentage points), as in the Python results. pArdAbove is
 *     P(ARD > d) literally; pBenefitAbove (and pBenefit = its "0", pArdAbove10 = its "0.1")
 *     follow the outcome's direction: P(ARD > d) when more events is better, P(ARD < -d)
 *     when fewer is.
 *   window.priorExplorer.computeLogistic(outcome, interceptMean, interceptSd, logOrMean,
 *       logOrSd)
 *     -> {pBenefit, pArdAbove10, orMedian, orLower, orUpper, ardMedian, ardLower, ardUpper,
 *         designOddsRatio, priorPBeyondDesign, priorPHarm, priorOrMedian, controlRate}
 *     The primary (logistic) model, exact by integration (explorer_logistic.js): arguments
 *     are the normal priors of the control log-odds and of the log odds ratio; benefit and
 *     the design effect follow the outcome's direction.
 *   window.priorExplorer.math: logGamma, betaPdf, incompleteBeta, ArdDistribution.
 *   window.priorExplorer.instances: one controller per explorer on the page, with
 *     .select(outcome, priorName), .setArm(arm, alpha, beta), .setLogistic(term, mean, sd)
 *     (term "treatment" = log OR, "intercept" = control log-odds), .yaml() (the prior on
 *     screen as a priors-file entry), .state(), .lastResult, .lastLogistic.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------------------ numerics

  /** Grid for the integrals: x_i = i / GRID_INTERVALS. 0.05, 0.10 and 0.20 fall on it. */
  const GRID_INTERVALS = 2000;
  /** ARD thresholds d (proportions) for P(ARD > d), as ARD_THRESHOLDS in Python. */
  const THRESHOLDS = [0, 0.05, 0.1, 0.2];
  /** Bisection stops when the bracket is this narrow (proportion scale). */
  const QUANTILE_TOLERANCE = 1e-9;

  /* Lanczos coefficients (g = 671/128, 14 terms) from Numerical Recipes, 3rd ed., gammln:
   * relative error below 1e-15 for x > 0. */
  const LANCZOS = [
    57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
    0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4,
    0.158088703224912494e-3, -0.210264441724104883e-3, 0.217439618115212643e-3,
    -0.164318106536763890e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
    0.368991826595316234e-5,
  ];

  /** log Gamma(x) for x > 0 (Lanczos approximation). */
  function logGamma(x) {
    let y = x;
    const tmp = x + 5.2421875; // g + 1/2
    let series = 0.999999999999997092;
    for (let j = 0; j < LANCZOS.length; j++) series += LANCZOS[j] / ++y;
    return (x + 0.5) * Math.log(tmp) - tmp + Math.log((2.5066282746310005 * series) / x);
  }

  /** log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b). */
  function logBeta(a, b) {
    return logGamma(a) + logGamma(b) - logGamma(a + b);
  }

  /** Beta(a, b) density at x, with the limits at x = 0 and x = 1 (Infinity if a or b < 1). */
  function betaPdf(x, a, b, lnB = logBeta(a, b)) {
    if (x < 0 || x > 1) return 0;
    if ((x === 0 && a !== 1) || (x === 1 && b !== 1)) {
      const exponent = x === 0 ? a : b;
      return exponent > 1 ? 0 : Infinity;
    }
    const logX = x === 0 ? 0 : (a - 1) * Math.log(x); // (a - 1) log x, 0 when a = 1
    const log1mX = x === 1 ? 0 : (b - 1) * Math.log1p(-x);
    return Math.exp(logX + log1mX - lnB);
  }

  /* Continued fraction for the incomplete Beta (Numerical Recipes betacf), evaluated by the
   * modified Lentz method; converges quickly for x < (a + 1) / (a + b + 2). */
  function betaContinuedFraction(x, a, b) {
    const TINY = 1e-300;
    const EPS = 1e-16;
    const qab = a + b;
    const qap = a + 1;
    const qam = a - 1;
    let c = 1;
    let d = 1 - (qab * x) / qap;
    if (Math.abs(d) < TINY) d = TINY;
    d = 1 / d;
    let h = d;
    for (let m = 1; m <= 10000; m++) {
      const m2 = 2 * m;
      // even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))
      let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) d = TINY;
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      h *= d * c;
      // odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
      aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) d = TINY;
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      const delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPS) break;
    }
    return h;
  }

  /** Regularised incomplete Beta I_x(a, b) = Beta(a, b) CDF at x. */
  function incompleteBeta(x, a, b, lnB = logBeta(a, b)) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lnB);
    // Use the fraction where it converges fast; otherwise the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
    if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
    return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
  }

  /** Density and CDF of Beta(a, b) at the grid nodes x_i = i / GRID_INTERVALS. */
  function betaOnGrid(a, b, withCdf) {
    const n = GRID_INTERVALS;
    const lnB = logBeta(a, b);
    const pdf = new Float64Array(n + 1);
    const cdf = withCdf ? new Float64Array(n + 1) : null;
    for (let i = 0; i <= n; i++) {
      const x = i / n;
      pdf[i] = betaPdf(x, a, b, lnB);
      if (withCdf) cdf[i] = incompleteBeta(x, a, b, lnB);
    }
    return { pdf, cdf };
  }

  /* Composite Simpson weights h/3 (1, 4, 2, 4, ..., 2, 4, 1) on the grid. */
  const SIMPSON = (function () {
    const n = GRID_INTERVALS;
    const weights = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) {
      weights[i] = (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) / (3 * n);
    }
    return weights;
  })();

  /**
   * The distribution of ARD = p_t - p_c for independent p_t ~ Beta(aT, bT), p_c ~ Beta(aC, bC).
   * The treatment density, and the control density and CDF, are tabulated once on the grid;
   * every probability is then a Simpson sum of (1).
   */
  class ArdDistribution {
    constructor(aT, bT, aC, bC, options = {}) {
      this.params = { aT, bT, aC, bC };
      const withCdf = options.withCdf !== false;
      this.treatment = betaOnGrid(aT, bT, false).pdf;
      const control = betaOnGrid(aC, bC, withCdf);
      this.controlPdf = control.pdf;
      this.controlCdf = control.cdf;
      // Simpson assumes a smooth integrand: true when every parameter is >= 2 (each density
      // and its derivative are finite at 0 and 1). Parameters below 1 make the densities
      // infinite at an end point; the numbers are then only approximate.
      this.accurate = Math.min(aT, bT, aC, bC) >= 2;
    }

    /**
     * P(ARD > d) by (1). F_c(x_i - d) is read off the table when d is a multiple of the
     * grid step, and otherwise by cubic Hermite interpolation between nodes (values F and
     * slopes f, both exact): interpolation error ~ h^4 / 384 * max |f'''| (about 1e-15 here).
     * The fractional offset is the same for every node, so the four Hermite weights are
     * computed once per d.
     */
    survival(d) {
      const n = GRID_INTERVALS;
      const ft = this.treatment;
      const fc = this.controlPdf;
      const Fc = this.controlCdf;
      const shift = d * n; // y_i = x_i - d = (i - shift) / n
      const k = Math.floor(shift);
      const t = shift - k; // y_i = x_{i-k-1} + (1 - t) h, or exactly x_{i-k} when t = 0
      let total = 0;
      if (t < 1e-12) {
        for (let i = 0; i <= n; i++) {
          const j = i - k;
          const F = j <= 0 ? 0 : j >= n ? 1 : Fc[j];
          total += SIMPSON[i] * ft[i] * F;
        }
        return total;
      }
      const s = 1 - t; // position of y_i inside [x_j, x_{j+1}] with j = i - k - 1
      const h00 = (1 + 2 * s) * (1 - s) * (1 - s);
      const h10 = (s * (1 - s) * (1 - s)) / n;
      const h01 = s * s * (3 - 2 * s);
      const h11 = (-s * s * (1 - s)) / n;
      for (let i = 0; i <= n; i++) {
        const j = i - k - 1;
        let F;
        if (j < 0) F = 0;
        else if (j >= n) F = 1;
        else {
          const slopeLeft = Number.isFinite(fc[j]) ? fc[j] : 0;
          const slopeRight = Number.isFinite(fc[j + 1]) ? fc[j + 1] : 0;
          F = h00 * Fc[j] + h10 * slopeLeft + h01 * Fc[j + 1] + h11 * slopeRight;
        }
        if (F !== 0) total += SIMPSON[i] * ft[i] * F;
      }
      return total;
    }

    /** The p-quantile of ARD: bisection on the CDF 1 - P(ARD > d) over [-1, 1]. */
    quantile(p) {
      let lower = -1;
      let upper = 1;
      while (upper - lower > QUANTILE_TOLERANCE) {
        const middle = 0.5 * (lower + upper);
        if (1 - this.survival(middle) < p) lower = middle;
        else upper = middle;
      }
      return 0.5 * (lower + upper);
    }

    /**
     * Density of ARD at d_k = k * step / GRID_INTERVALS for k = kMin..kMax (for the chart):
     * f_ARD(d) = integral of f_t(x) f_c(x - d) dx over [max(0, d), min(1, 1 + d)], Simpson
     * on the grid nodes of that interval (``step`` even, so it has an even number of grid
     * intervals: end nodes weigh h/3, inner nodes as in SIMPSON). Infinite end-point values
     * (parameters < 1) are dropped.
     */
    densityOnGrid(kMin, kMax, step) {
      const n = GRID_INTERVALS;
      const ft = this.treatment;
      const fc = this.controlPdf;
      const out = new Float64Array(kMax - kMin + 1);
      for (let k = kMin; k <= kMax; k++) {
        const offset = k * step;
        const first = Math.max(0, offset);
        const last = Math.min(n, n + offset);
        let total = 0;
        for (let i = first; i <= last && last > first; i++) {
          const product = ft[i] * fc[i - offset];
          const weight = i === first || i === last ? SIMPSON[0] : SIMPSON[i];
          if (Number.isFinite(product)) total += weight * product;
        }
        out[k - kMin] = total;
      }
      return out;
    }
  }

  /** Posterior Beta parameters of one outcome under prior parameters {aT, bT, aC, bC}. */
  function posteriorParams(outcome, prior) {
    return {
      aT: prior.aT + outcome.treatment.events,
      bT: prior.bT + outcome.treatment.n - outcome.treatment.events,
      aC: prior.aC + outcome.control.events,
      bC: prior.bC + outcome.control.n - outcome.control.events,
    };
  }

  /** Every number the explorer shows, for one outcome and one set of prior parameters. */
  function summarise(outcome, prior) {
    const post = posteriorParams(outcome, prior);
    const dist = new ArdDistribution(post.aT, post.bT, post.aC, post.bC);
    const pArdAbove = {};
    const pBenefitAbove = {};
    const lower = outcome.direction === "lower";
    for (const d of THRESHOLDS) {
      pArdAbove[String(d)] = dist.survival(d);
      pBenefitAbove[String(d)] = lower ? 1 - dist.survival(-d) : pArdAbove[String(d)];
    }
    return {
      pBenefit: pBenefitAbove["0"],
      pArdAbove10: pBenefitAbove["0.1"],
      pArdAbove,
      pBenefitAbove,
      ardMedian: dist.quantile(0.5),
      ardLower: dist.quantile(0.025),
      ardUpper: dist.quantile(0.975),
      posterior: {
        treatment: { alpha: post.aT, beta: post.bT },
        control: { alpha: post.aC, beta: post.bC },
      },
      accurate: dist.accurate,
      distribution: dist,
    };
  }

  // ------------------------------------------------------------------------------ formatting

  const prob = (p) => p.toFixed(3);
  /** ARD proportion -> signed percentage points with one decimal, as the report prints it. */
  const points = (v) => (v >= 0 ? "+" : "") + (100 * v).toFixed(1);
  const num = (v) => (v >= 100 ? v.toFixed(1) : v.toFixed(2));
  const betaText = (a, b) => `Beta(${num(a)}, ${num(b)})`;
  const ratio = (v) => v.toFixed(2);
  const percent = (v) => `${(100 * v).toFixed(0)}%`;
  const minus = (text) => text.replace("-", "\u2212");

  /**
   * A number as the priors file's validator reads it (PyYAML's float needs a '.' and no
   * exponent): six significant digits, plain decimal notation, at least one decimal.
   */
  function yamlNumber(v) {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    if (v === 0) return "0.0";
    const digits = Math.min(15, Math.max(1, 5 - Math.floor(Math.log10(Math.abs(v)))));
    let text = v.toFixed(digits).replace(/0+$/, "");
    if (text.endsWith(".")) text += "0";
    return text === "-0.0" ? "0.0" : text;
  }

  // ------------------------------------------------------------------------------ sliders

  /* Prior centre (mean rate) slider: 0.01-0.99. Strength (alpha + beta, the prior's worth in
   * participants) slider: integer positions 0..STRENGTH_STEPS on a log scale from 0.5 to 200. */
  const STRENGTH_MIN = 0.5;
  const STRENGTH_MAX = 200;
  const STRENGTH_STEPS = 600;
  const strengthFromSlider = (v) =>
    STRENGTH_MIN * Math.pow(STRENGTH_MAX / STRENGTH_MIN, v / STRENGTH_STEPS);
  const sliderFromStrength = (s) =>
    Math.round((STRENGTH_STEPS * Math.log(s / STRENGTH_MIN)) / Math.log(STRENGTH_MAX / STRENGTH_MIN));

  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

  // ------------------------------------------------------------------------------ chart

  const CHART = { width: 560, height: 250, left: 18, right: 18, top: 12, bottom: 40 };
  const PLOT_STEP = 10; // chart resolution: every 10th grid node = 0.5 percentage point
  const DEFAULT_RANGE = [-60, 80]; // percentage points; widened when mass falls outside

  /** Create an SVG element in the namespace of the explorer's own <svg> (no URL needed). */
  function svgNode(svg, name, attributes) {
    const node = document.createElementNS(svg.namespaceURI, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    return node;
  }

  /** Visible x range: the default, or [-100, 100] when >0.5% of the posterior lies outside
   * it. The prior may be cut at the edges (a weak prior always spans -100 to +100). */
  function chartRange(d, posterior) {
    const [lo, hi] = DEFAULT_RANGE;
    let inside = 0;
    let all = 0;
    for (let i = 0; i < d.length; i++) {
      all += posterior[i];
      if (d[i] >= lo && d[i] <= hi) inside += posterior[i];
    }
    return all > 0 && inside / all < 0.995 ? [-100, 100] : DEFAULT_RANGE;
  }

  function drawChart(svg, prior, posterior, summary, color, outcomeLabel, lower) {
    const k = GRID_INTERVALS / PLOT_STEP; // density on d = -1..1 every PLOT_STEP nodes
    const d = [];
    for (let i = -k; i <= k; i++) d.push((100 * i) / k);
    const curves = [
      { d, f: prior.densityOnGrid(-k, k, PLOT_STEP).map((v) => v / 100) }, // per point
      { d, f: posterior.densityOnGrid(-k, k, PLOT_STEP).map((v) => v / 100) },
    ];
    const [xMin, xMax] = chartRange(d, curves[1].f);
    const peak = (f) => f.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, v) : m), 0);
    const postPeak = peak(curves[1].f);
    // A weak prior can have a spike (U-shaped Betas): cap it so the posterior stays readable.
    const yMax = 1.08 * Math.max(postPeak, Math.min(peak(curves[0].f), 2.5 * postPeak));
    const { width, height, left, right, top, bottom } = CHART;
    const sx = (v) => left + ((v - xMin) / (xMax - xMin)) * (width - left - right);
    const sy = (v) => top + (1 - Math.min(v, yMax) / yMax) * (height - top - bottom);
    const yBase = sy(0);
    const path = (f, fromX, toX = Infinity) => {
      let text = "";
      for (let i = 0; i < d.length; i++) {
        if (d[i] < Math.max(xMin, fromX) || d[i] > Math.min(xMax, toX)) continue;
        text += `${text ? "L" : "M"}${sx(d[i]).toFixed(1)},${sy(f[i]).toFixed(1)}`;
      }
      return text;
    };

    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const title = svgNode(svg, "title", {});
    title.textContent =
      `${outcomeLabel}: prior (dashed) and posterior (solid) density of the risk difference. ` +
      `Posterior median ${points(summary.ardMedian)} points, 95% interval ` +
      `${points(summary.ardLower)} to ${points(summary.ardUpper)}; ` +
      `P(benefit) = ${prob(summary.pBenefit)}.`;
    svg.appendChild(title);

    // x axis with ticks every 20 points
    svg.appendChild(svgNode(svg, "line", {
      x1: left, x2: width - right, y1: yBase, y2: yBase, class: "pe-axis",
    }));
    for (let v = Math.ceil(xMin / 20) * 20; v <= xMax; v += 20) {
      svg.appendChild(svgNode(svg, "line", {
        x1: sx(v), x2: sx(v), y1: yBase, y2: yBase + 4, class: "pe-axis",
      }));
      const label = svgNode(svg, "text", { x: sx(v), y: yBase + 16, class: "pe-tick" });
      label.textContent = v > 0 ? `+${v}` : String(v).replace("-", "\u2212");
      svg.appendChild(label);
    }
    const axisTitle = svgNode(svg, "text", {
      x: (left + width - right) / 2, y: height - 4, class: "pe-axis-title",
    });
    axisTitle.textContent = "Risk difference, treatment \u2212 control (percentage points)";
    svg.appendChild(axisTitle);

    // shaded posterior area of benefit: ARD > 0, or ARD < 0 when fewer events is better
    const shaded = lower ? path(curves[1].f, -Infinity, 0) : path(curves[1].f, 0);
    if (shaded) {
      const [from, to] = lower ? [Math.min(xMax, 0), Math.max(xMin, -100)]
        : [Math.min(xMax, 100), Math.max(xMin, 0)];
      svg.appendChild(svgNode(svg, "path", {
        d: `${shaded}L${sx(from).toFixed(1)},${yBase}L${sx(to).toFixed(1)},${yBase}Z`,
        fill: color, "fill-opacity": "0.15", stroke: "none",
      }));
    }
    // reference lines: no effect (0) and a benefit of 10 points (-10 when fewer is better)
    const ten = lower ? -10 : 10;
    svg.appendChild(svgNode(svg, "line", {
      x1: sx(0), x2: sx(0), y1: top, y2: yBase, class: "pe-zero",
    }));
    svg.appendChild(svgNode(svg, "line", {
      x1: sx(ten), x2: sx(ten), y1: top, y2: yBase, class: "pe-ten",
    }));
    const tenLabel = svgNode(svg, "text", { x: sx(ten) + 3, y: top + 8, class: "pe-note" });
    tenLabel.textContent = lower ? "\u221210 points" : "10 points";
    svg.appendChild(tenLabel);

    svg.appendChild(svgNode(svg, "path", {
      d: path(curves[0].f, -Infinity), stroke: color, "stroke-width": "1.6",
      "stroke-dasharray": "5 4", fill: "none",
    }));
    svg.appendChild(svgNode(svg, "path", {
      d: path(curves[1].f, -Infinity), stroke: color, "stroke-width": "2.4", fill: "none",
    }));

    // posterior median and 95% interval as a bar just above the axis
    const yBar = yBase - 6;
    svg.appendChild(svgNode(svg, "line", {
      x1: sx(clamp(100 * summary.ardLower, xMin, xMax)), y1: yBar,
      x2: sx(clamp(100 * summary.ardUpper, xMin, xMax)), y2: yBar,
      stroke: color, "stroke-width": "3", "stroke-linecap": "round",
    }));
    svg.appendChild(svgNode(svg, "circle", {
      cx: sx(clamp(100 * summary.ardMedian, xMin, xMax)), cy: yBar, r: 4.5,
      fill: "#fff", stroke: color, "stroke-width": "2",
    }));
  }

  // ------------------------------------------------------------------------------ controller

  const ARMS = ["treatment", "control"];
  /** The logistic terms of a priors file, and those the logistic panel moves. */
  const LOGISTIC_TERMS = ["intercept", "treatment", "biomarker", "interaction"];
  const LOGISTIC_MOVED = ["treatment", "intercept"];
  /** The logistic numerics (explorer_logistic.js, inlined before this file). */
  const logisticMath = () => (typeof window !== "undefined" && window.priorExplorerLogistic)
    || require("./explorer_logistic.js");

  function readData(root) {
    const script = root.querySelector("script.pe-data");
    return JSON.parse(script.textContent);
  }

  /** Wire one explorer (a div.prior-explorer rendered by models/explorer.py). */
  function createExplorer(root) {
    const data = readData(root);
    const byTestId = (id) => root.querySelector(`[data-testid="${id}"]`);
    const outcomeSelect = byTestId("outcome-select");
    const priorSelect = byTestId("prior-select");
    const svg = byTestId("ard-chart");
    const sliders = {};
    for (const arm of ARMS) {
      sliders[arm] = { centre: byTestId(`${arm}-centre`), strength: byTestId(`${arm}-strength`) };
    }
    const lgSliders = {};
    for (const term of LOGISTIC_MOVED) {
      lgSliders[term] = { mean: byTestId(`lg-${term}-mean`), sd: byTestId(`lg-${term}-sd`) };
    }
    const priorsByName = Object.fromEntries(data.priors.map((p) => [p.name, p]));
    const outcomesByName = Object.fromEntries(data.outcomes.map((o) => [o.name, o]));
    const state = {
      outcome: data.outcomes[0].name,
      prior: data.priors[0].name, // the named prior in use, or "custom"
      base: data.priors[0].name, // the last named prior chosen (biomarker, interaction)
      color: data.priors[0].color,
      arms: {}, // exact prior parameters; the sliders only display (rounded) positions
      logistic: {}, // normal priors {mean, sd} per logistic term, exact
    };
    const controller = {
      root, data, lastResult: null, lastLogistic: null, lastUpdateMs: NaN,
      lastLogisticMs: NaN,
    };
    const designOddsRatio = data.calibration ? data.calibration.design_odds_ratio : null;

    function setReadout(id, text, value) {
      const element = byTestId(id);
      if (element.textContent !== text) element.textContent = text;
      if (value !== undefined) element.setAttribute("data-value", String(value));
    }

    /** What both panels share: the description, the colour and the prior menu. */
    function updateShared() {
      const named = priorsByName[state.prior];
      setReadout("prior-description", named ? named.description : "Your own prior (edited).");
      root.style.setProperty("--pe-color", state.color);
      priorSelect.value = state.prior;
      root.setAttribute("data-state", JSON.stringify({ outcome: state.outcome, prior: state.prior }));
    }

    function showSliders() {
      for (const arm of ARMS) {
        const { alpha, beta } = state.arms[arm];
        const centre = alpha / (alpha + beta);
        const strength = alpha + beta;
        const { centre: c, strength: s } = sliders[arm];
        c.value = String(clamp(centre, Number(c.min), Number(c.max)));
        s.value = String(clamp(sliderFromStrength(strength), 0, STRENGTH_STEPS));
        c.setAttribute("aria-valuetext", `${(100 * centre).toFixed(1)}%`);
        s.setAttribute("aria-valuetext", `${num(strength)} participants`);
        setReadout(`${arm}-centre-value`, `${(100 * centre).toFixed(1)}%`);
        setReadout(`${arm}-strength-value`, num(strength));
      }
    }

    function showLogisticSliders() {
      for (const term of LOGISTIC_MOVED) {
        const { mean, sd } = state.logistic[term];
        const slider = lgSliders[term];
        slider.mean.value = String(clamp(mean, Number(slider.mean.min), Number(slider.mean.max)));
        slider.sd.value = String(clamp(sd, Number(slider.sd.min), Number(slider.sd.max)));
        const meanText = term === "treatment"
          ? `${minus(mean.toFixed(2))} (OR ${ratio(Math.exp(mean))})` : minus(mean.toFixed(2));
        slider.mean.setAttribute("aria-valuetext", meanText);
        slider.sd.setAttribute("aria-valuetext", sd.toFixed(2));
        setReadout(`lg-${term}-mean-value`, meanText);
        setReadout(`lg-${term}-sd-value`, sd.toFixed(2));
      }
    }

    /** Recompute and show the primary (logistic) panel. */
    function updateLogistic() {
      const started = performance.now();
      const outcome = outcomesByName[state.outcome];
      const { intercept, treatment } = state.logistic;
      const r = logisticMath().summariseLogistic(outcome, intercept, treatment, designOddsRatio);
      const lower = outcome.direction === "lower";
      const box = byTestId("lg-prior-design-box");
      box.hidden = r.designOddsRatio === null;
      if (r.designOddsRatio !== null) {
        setReadout("lg-prior-design-label",
          `Prior P(OR ${lower ? "<" : ">"} ${ratio(r.designOddsRatio)}, the design effect)`);
        setReadout("lg-prior-design", prob(r.priorPBeyondDesign), r.priorPBeyondDesign);
      }
      setReadout("lg-prior-harm-label", `Prior P(OR ${lower ? ">" : "<"} 1)`);
      setReadout("lg-prior-harm", prob(r.priorPHarm), r.priorPHarm);
      setReadout("lg-p-benefit", prob(r.pBenefit), r.pBenefit);
      setReadout("lg-p-ard-10-label", lower
        ? "Posterior P(risk difference < \u221210 points)"
        : "Posterior P(risk difference > 10 points)");
      setReadout("lg-p-ard-10", prob(r.pArdAbove10), r.pArdAbove10);
      for (const end of ["Median", "Lower", "Upper"]) {
        const key = end.toLowerCase();
        setReadout(`lg-or-${key}`, ratio(r[`or${end}`]), r[`or${end}`]);
        setReadout(`lg-ard-${key}`, minus(points(r[`ard${end}`])), r[`ard${end}`]);
      }
      setReadout("lg-prior-treatment",
        `N(${minus(num(treatment.mean))}, ${num(treatment.sd)}) on the log OR; median OR `
        + ratio(r.priorOrMedian));
      const [median, low, high] = r.controlRate;
      setReadout("lg-control-rate", `${percent(median)} (95% ${percent(low)} to ${percent(high)})`);
      controller.lastLogistic = r;
      controller.lastLogisticMs = performance.now() - started;
      root.setAttribute("data-logistic-update-ms", controller.lastLogisticMs.toFixed(2));
    }

    /** The prior on screen as an entry of a priors file (two-space indent, as under
     * `priors:`), with placeholders for the name, label and description. */
    function yaml() {
      const pair = (keys, values) =>
        `{${keys.map((k, i) => `${k}: ${yamlNumber(values[i])}`).join(", ")}}`;
      const lines = [
        "  my_prior:",
        "    label: 'My prior'",
        "    description: 'Describe the belief this prior states (edit me).'",
        "    beta_binomial:",
      ];
      for (const arm of ARMS) {
        const { alpha, beta } = state.arms[arm];
        lines.push(`      ${arm}: ${pair(["alpha", "beta"], [alpha, beta])}`);
      }
      lines.push("    logistic:");
      for (const term of LOGISTIC_TERMS) {
        const { mean, sd } = state.logistic[term];
        lines.push(`      ${term}: ${pair(["mean", "sd"], [mean, sd])}`);
      }
      return `${lines.join("\n")}\n`;
    }

    /** Show the YAML selected in the read-only box (when the clipboard is unavailable). */
    function showFallback(text, reason) {
      const box = byTestId("copy-fallback");
      const area = byTestId("copy-yaml-text");
      area.value = text;
      box.hidden = false;
      area.focus();
      area.select();
      setReadout("copy-status", reason);
    }

    function copyYaml() {
      const text = yaml();
      byTestId("copy-fallback").hidden = true;
      const clipboard = typeof navigator !== "undefined" && navigator.clipboard;
      if (!clipboard || typeof clipboard.writeText !== "function" || !window.isSecureContext) {
        showFallback(text, "This page cannot use the clipboard: copy the text below.");
        return;
      }
      clipboard.writeText(text).then(
        () => setReadout("copy-status", "Copied: paste it under priors: in your priors file."),
        () => showFallback(text, "The browser refused the clipboard: copy the text below."),
      );
    }

    function update() {
      updateBeta();
      updateLogistic();
    }

    /** Recompute and show the beta-binomial panel and the shared lines. */
    function updateBeta() {
      const started = performance.now();
      const outcome = outcomesByName[state.outcome];
      const prior = {
        aT: state.arms.treatment.alpha, bT: state.arms.treatment.beta,
        aC: state.arms.control.alpha, bC: state.arms.control.beta,
      };
      const result = summarise(outcome, prior);
      const priorDist = new ArdDistribution(prior.aT, prior.bT, prior.aC, prior.bC, {
        withCdf: false,
      });

      setReadout("p-benefit", prob(result.pBenefit), result.pBenefit);
      setReadout("p-ard-10", prob(result.pArdAbove10), result.pArdAbove10);
      setReadout("ard-median", points(result.ardMedian), result.ardMedian);
      setReadout("ard-lower", points(result.ardLower), result.ardLower);
      setReadout("ard-upper", points(result.ardUpper), result.ardUpper);
      for (const arm of ARMS) {
        const p = state.arms[arm];
        const q = result.posterior[arm];
        setReadout(`prior-${arm}`, betaText(p.alpha, p.beta), `${p.alpha},${p.beta}`);
        setReadout(`posterior-${arm}`, betaText(q.alpha, q.beta), `${q.alpha},${q.beta}`);
      }
      const events = (arm) => `${outcome[arm].events}/${outcome[arm].n}`;
      setReadout("data-counts",
        `${data.arms.treatment} ${events("treatment")}, ${data.arms.control} ${events("control")}`);
      byTestId("accuracy-note").hidden = result.accurate;
      updateShared();

      drawChart(svg, priorDist, result.distribution, result, state.color, outcome.label,
        outcome.direction === "lower");
      byTestId("p-ard-10-label").textContent = outcome.direction === "lower"
        ? "P(risk difference < \u221210 points)" : "P(risk difference > 10 points)";
      delete result.distribution;
      controller.lastResult = result;
      controller.lastUpdateMs = performance.now() - started;
      root.setAttribute("data-update-ms", controller.lastUpdateMs.toFixed(2));
      root.setAttribute("data-state", JSON.stringify({ outcome: state.outcome, prior: state.prior }));
    }

    function usePrior(name) {
      const named = priorsByName[name];
      if (!named) return;
      state.prior = name;
      state.base = name;
      state.color = named.color;
      for (const arm of ARMS) state.arms[arm] = { ...named[arm] };
      for (const term of LOGISTIC_TERMS) state.logistic[term] = { ...named.logistic[term] };
      showSliders();
      showLogisticSliders();
    }

    /** A logistic slider moved: change that one quantity of that term, keep the other. */
    function onLogisticSlider(term, which) {
      state.logistic[term] = { ...state.logistic[term], [which]: Number(lgSliders[term][which].value) };
      state.prior = "custom";
      showLogisticSliders();
      updateLogistic();
      updateShared();
    }

    /** A slider moved: change that one quantity of that arm, keep the other exact. */
    function onSlider(arm, which) {
      const { alpha, beta } = state.arms[arm];
      let centre = alpha / (alpha + beta);
      let strength = alpha + beta;
      if (which === "centre") centre = Number(sliders[arm].centre.value);
      else strength = strengthFromSlider(Number(sliders[arm].strength.value));
      state.arms[arm] = { alpha: centre * strength, beta: (1 - centre) * strength };
      state.prior = "custom";
      showSliders();
      updateBeta();
    }

    outcomeSelect.addEventListener("change", () => {
      state.outcome = outcomeSelect.value;
      update();
    });
    priorSelect.addEventListener("change", () => {
      if (priorSelect.value !== "custom") usePrior(priorSelect.value);
      else state.prior = "custom";
      update();
    });
    for (const arm of ARMS) {
      for (const which of ["centre", "strength"]) {
        sliders[arm][which].addEventListener("input", () => onSlider(arm, which));
      }
    }
    for (const term of LOGISTIC_MOVED) {
      for (const which of ["mean", "sd"]) {
        lgSliders[term][which].addEventListener("input", () => onLogisticSlider(term, which));
      }
    }
    byTestId("copy-yaml").addEventListener("click", copyYaml);

    Object.assign(controller, {
      /** Show an outcome under a named prior, as if chosen in the menus. */
      select(outcome, priorName) {
        if (outcome in outcomesByName) state.outcome = outcome;
        outcomeSelect.value = state.outcome;
        if (priorName) usePrior(priorName);
        update();
        return controller.lastResult;
      },
      /** Set one arm's prior parameters exactly (switches to a custom prior). */
      setArm(arm, alpha, beta) {
        state.arms[arm] = { alpha, beta };
        state.prior = "custom";
        showSliders();
        update();
        return controller.lastResult;
      },
      /** Set one logistic term's normal prior exactly (switches to a custom prior). */
      setLogistic(term, mean, sd) {
        state.logistic[term] = { mean, sd };
        state.prior = "custom";
        showLogisticSliders();
        update();
        return controller.lastLogistic;
      },
      yaml,
      state: () => JSON.parse(JSON.stringify(state)),
    });

    outcomeSelect.value = state.outcome;
    usePrior(state.prior);
    update();
    root.setAttribute("data-ready", "true");
    return controller;
  }

  // ------------------------------------------------------------------------------ setup

  const api = (typeof window !== "undefined" && window.priorExplorer) || {
    version: 1,
    instances: [],
    math: { logGamma, logBeta, betaPdf, incompleteBeta, ArdDistribution, GRID_INTERVALS },
    /** Exact-to-1e-9 posterior summaries (see the header comment for the arguments). */
    compute(outcome, alphaT, betaT, alphaC, betaC) {
      const source = api.instances.length ? api.instances[0].data : null;
      const counts = typeof outcome === "string"
        ? source && source.outcomes.find((o) => o.name === outcome)
        : outcome; // or an object {treatment: {events, n}, control: {events, n}}
      if (!counts) throw new Error(`unknown outcome ${JSON.stringify(outcome)}`);
      const result = summarise(counts, { aT: alphaT, bT: betaT, aC: alphaC, bC: betaC });
      delete result.distribution;
      return result;
    },
    /** The primary (logistic) model's summaries (see the header comment). */
    computeLogistic(outcome, interceptMean, interceptSd, logOrMean, logOrSd) {
      const source = api.instances.length ? api.instances[0].data : null;
      const counts = typeof outcome === "string"
        ? source && source.outcomes.find((o) => o.name === outcome)
        : outcome;
      if (!counts) throw new Error(`unknown outcome ${JSON.stringify(outcome)}`);
      const design = source && source.calibration ? source.calibration.design_odds_ratio : null;
      return logisticMath().summariseLogistic(counts, { mean: interceptMean, sd: interceptSd },
        { mean: logOrMean, sd: logOrSd }, design);
    },
  };

  if (typeof window === "undefined") {
    module.exports = api; // node, for quick numerical checks
    return;
  }
  window.priorExplorer = api;
  // Wire this script's own explorer, and any other not yet wired (e.g. notebook re-runs).
  for (const root of document.querySelectorAll(".prior-explorer:not([data-ready])")) {
    try {
      api.instances.push(createExplorer(root));
    } catch (error) {
      root.setAttribute("data-error", String(error));
      throw error;
    }
  }
})();
