/* emgmm's playback player: plays a fit's frames in the browser from one payload.

   The server sends the payload once per fit (emgmm/viz/player.py: the Vega-Lite specs
   Altair built, the parameters of every iteration, each frame's heading and the strip's
   points); this file draws every frame from it, keeps the clock, and takes the playback
   into slides (a self-contained HTML file, a WebM video). Three parts:

   - rules: which frames a playback shows and where a change of settings leaves it, and
     when the next frame is due. Mirrored by emgmm/viz/playback.py; the tests compare the
     two in Chromium.
   - maths: a frame's datasets from its parameters (the strip's colours, the
     responsibilities panel), as the engine computes them; compared in Chromium too.
   - Player: the controls, the charts and the clock; then the two ways it starts: inside
     Streamlit (a component) or from a downloaded file.
*/
(function (root) {
  "use strict";

  // ------------------------------------------------------------------ rules
  const rules = {
    /** Iterations shown as frames: every `every`-th from 0, and always the last. */
    frameIterations(nIter, every) {
      const step = Math.max(1, every);
      const frames = [];
      for (let i = 0; i <= nIter; i += step) frames.push(i);
      if (frames[frames.length - 1] !== nIter) frames.push(nIter);
      return frames;
    },

    /** Frames of E- and M-steps apart, numbered 0 (start), 2i - 1 (E-step i), 2i (M-step i). */
    halfStepFrames(nIter, every) {
      const out = [0];
      for (const i of rules.frameIterations(nIter, every).slice(1)) out.push(2 * i - 1, 2 * i);
      return out;
    },

    frames(nIter, every, half) {
      return half ? rules.halfStepFrames(nIter, every) : rules.frameIterations(nIter, every);
    },

    /** The iteration whose parameters a frame draws. */
    iterationOf(frame, half) {
      return half ? Math.floor(frame / 2) : frame;
    },

    /** The nearest of `frames` at or before `target` (the first when none is). */
    nearest(frames, target) {
      let best = frames[0];
      for (const f of frames) if (f <= target) best = f;
      return best;
    },

    /** Where a change of `every` or of E- and M-steps leaves the frame on screen: the
        nearest new frame at or before the iteration it shows (an M-step is its
        iteration, an E-step the one before). */
    moved(frame, from, to, nIter) {
      const iteration = rules.iterationOf(frame, from.half);
      const target = from.half === to.half ? frame : to.half ? 2 * iteration : iteration;
      return rules.nearest(rules.frames(nIter, to.every, to.half), target);
    },

    /** When the frame after one due at `due` (ms) and drawn at `drawn` is due: a frame
        time later, or at once when drawing took longer. Every frame is drawn; a slow
        browser lowers the rate, never skips. */
    nextDue(due, drawn, frameTime) {
      return Math.max(due + frameTime, drawn);
    },

    /** 'iteration 4', 'the start', 'E-step 3' or 'M-step 3'. */
    stepLabel(frame, half) {
      if (!half) return "iteration " + frame;
      if (frame === 0) return "the start";
      return (frame % 2 ? "E" : "M") + "-step " + Math.floor((frame + 1) / 2);
    },

    /** 'Frame 3 of 41: iteration 2 of 40'. */
    counter(frames, index, half, nIter) {
      return "Frame " + (index + 1) + " of " + frames.length + ": " +
        rules.stepLabel(frames[index], half) + " of " + nIter;
    },
  };

  // ------------------------------------------------------------------ maths
  // A model is {w, m, s} (weights, means, sds of each component) and `noise`: null, or the
  // range {low, high} of a noise component, component 0, whose density is flat,
  // w_0 / (high - low) at every x, as the engine scores it (emgmm.viz.shown.component_log_densities).
  const LOG_ROOT_2PI = 0.5 * Math.log(2 * Math.PI);

  /** Whether component i of `model` is its noise. */
  const isNoise = (model, i) => !!model.noise && i === 0;

  const maths = {
    /** log(w_i) - log(sd_i) - z^2 / 2 of each Gaussian at x (the common constant log
        sqrt(2 pi) dropped), and the noise's log(w_0 / (high - low)) + log sqrt(2 pi). */
    logTerms(x, model) {
      const out = new Array(model.w.length);
      for (let i = 0; i < out.length; i++) {
        if (isNoise(model, i)) {
          const { low, high } = model.noise;
          out[i] = Math.log(model.w[i]) - Math.log(high - low) + LOG_ROOT_2PI;
          continue;
        }
        const z = (x - model.m[i]) / model.s[i];
        out[i] = Math.log(model.w[i]) - Math.log(model.s[i]) - 0.5 * z * z;
      }
      return out;
    },

    /** r_i(x): the terms exponentiated after subtracting their max (finite far from every
        component: a term is -Infinity only for a weight of 0), normalised. */
    responsibilities(x, model) {
      const l = maths.logTerms(x, model);
      const top = Math.max(...l);
      const e = l.map((v) => Math.exp(v - top));
      const total = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / total);
    },

    /** The number people see for component i: from 1, the noise 0. */
    number(model, i) {
      return model.noise ? i : i + 1;
    },

    /** Its label: "C2", or "noise". */
    label(model, i) {
      return isNoise(model, i) ? "noise" : "C" + maths.number(model, i);
    },

    /** The density of component i (unweighted) at x: N(x | mu_i, sd_i), or the noise's
        1 / (high - low). */
    density(x, model, i) {
      if (isNoise(model, i)) {
        const { low, high } = model.noise;
        return 1 / (high - low);
      }
      const z = (x - model.m[i]) / model.s[i];
      return Math.exp(-0.5 * z * z) / (model.s[i] * Math.sqrt(2 * Math.PI));
    },

    /** Each point's responsibilities, its most responsible component (numbered from 1)
        and the model's uncertainty about it, 1 - max_i r_i. */
    classify(xs, model) {
      const r = new Array(xs.length);
      const component = new Array(xs.length);
      const uncertainty = new Array(xs.length);
      for (let n = 0; n < xs.length; n++) {
        const rn = maths.responsibilities(xs[n], model);
        let best = 0;
        for (let i = 1; i < rn.length; i++) if (rn[i] > rn[best]) best = i;
        r[n] = rn;
        component[n] = maths.number(model, best);
        uncertainty[n] = 1 - rn[best];
      }
      return { r, component, uncertainty };
    },

    /** w_i N(x | mu_i, sd_i) of each component on `grid` (the noise's w_0 / (high - low)),
        component by component (K x G values), and their sum,
        the mixture (G values). */
    densities(grid, model) {
      const k = model.w.length;
      const g = grid.length;
      const each = new Float64Array(k * g);
      const mixture = new Float64Array(g);
      for (let i = 0; i < k; i++) {
        const noise = isNoise(model, i);
        const scale = model.w[i] / (model.s[i] * Math.sqrt(2 * Math.PI));
        for (let j = 0; j < g; j++) {
          let d;
          if (noise) d = model.w[i] * maths.density(grid[j], model, i);
          else {
            const z = (grid[j] - model.m[i]) / model.s[i];
            d = scale * Math.exp(-0.5 * z * z);
          }
          each[i * g + j] = d;
          mixture[j] += d;
        }
      }
      return { each, mixture };
    },
  };

  /** A number in the digits the page shows: Python's "%.4g" (emgmm.why.shown). */
  function shown(v) {
    if (!Number.isFinite(v) || v === 0) return String(v);
    const a = Math.abs(v);
    if (a < 1e-4 || a >= 1e4) return v.toExponential(3).replace(/\.?0+e/, "e").replace(/e([+-])(\d)$/, "e$10$2");
    return String(Number(v.toPrecision(4)));
  }

  // ------------------------------------------------------------------ the bound
  /** The bound EM climbs along one mean, the others at the frame's values, from the M-step's
      sums (mass N_j, the new mean) and the payload's points: emgmm.bound.bound_curves, and
      emgmm.viz.why.bound_datasets for the chart; compared with them in Chromium. */
  const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

  function logAddExp(a, b) {
    if (a === -Infinity) return b;
    if (b === -Infinity) return a;
    const top = Math.max(a, b);
    return top + Math.log(Math.exp(a - top) + Math.exp(b - top));
  }

  const bound = {
    /** emgmm.mstep.alive: a component the M-step moves. */
    alive(mass, minMass) {
      return mass > 2 * minMass;
    },

    /** The component (from 1) whose mean the M-step moves furthest, in its sds. */
    movingMost(model, next) {
      let best = 0;
      let most = -Infinity;
      model.m.forEach((m, i) => {
        const moves = Math.abs(next.means[i] - m) / model.s[i];
        if (moves > most) { most = moves; best = i; }
      });
      return best + 1;
    },

    /** numpy.linspace over mu_t and the update with as much again on each side (at least
        half an sd), with those two added exactly, sorted and unique. */
    grid(current, update, sd, n) {
      const pad = Math.max(Math.abs(update - current), 0.5 * sd);
      const lo = Math.min(current, update) - pad;
      const hi = Math.max(current, update) + pad;
      const step = (hi - lo) / (n - 1);
      const out = [];
      for (let i = 0; i < n; i++) out.push(i === n - 1 ? hi : lo + i * step);
      out.push(current, update);
      out.sort((a, b) => a - b);
      return out.filter((v, i) => i === 0 || v !== out[i - 1]);
    },

    /** Both curves along mean `component` (from 1; 0: the one that moves most), as gains over
        log L(theta_t): the bound exact from the sums, the log-likelihood from the points (all of
        them, or the bound plus a subsample's gap scaled to the data's weight). */
    curves(b, model, next, total, component) {
      const j = (component || bound.movingMost(model, next)) - 1;
      const sd = model.s[j];
      const current = model.m[j];
      const moves = bound.alive(next.mass[j], b.min_mass);
      const update = moves ? next.means[j] : current;
      const means = bound.grid(current, next.means[j], sd, b.n_grid);
      const bounds = means.map((mu) => (moves ? (-next.mass[j] / (2 * sd * sd)) * (mu - current) * (mu + current - 2 * next.means[j]) : 0));
      const lls = new Float64Array(means.length);
      const subBounds = new Float64Array(means.length);
      const logW = Math.log(model.w[j]);
      const constant = logW - Math.log(sd) - LOG_SQRT_2PI;
      let atTheta = 0;
      let weight = 0;
      const logs = new Array(model.w.length);
      b.points.forEach((x, n) => {
        const wn = b.weights ? b.weights[n] : 1;
        for (let i = 0; i < logs.length; i++) {
          const z = (x - model.m[i]) / model.s[i];
          logs[i] = Math.log(model.w[i]) - Math.log(model.s[i]) - LOG_SQRT_2PI - 0.5 * z * z;
        }
        const logP = logs.reduce(logAddExp, -Infinity);
        const others = logs.reduce((acc, v, i) => (i === j ? acc : logAddExp(acc, v)), -Infinity);
        const q = Math.exp(logs[j] - logP);
        atTheta += wn * logP;
        weight += wn;
        means.forEach((mu, g) => {
          const z = (x - mu) / sd;
          const term = constant - 0.5 * z * z;
          lls[g] += wn * logAddExp(others, term);
          if (model.w[j] > 0) subBounds[g] += wn * q * (term - logs[j]);
        });
      });
      const scale = b.exact ? 1 : total / weight;
      const gains = means.map((mu, g) => (b.exact ? lls[g] - atTheta : bounds[g] + scale * Math.max(lls[g] - atTheta - subBounds[g], 0)));
      return { component: j + 1, current, update, means, logLikelihood: gains, bound: bounds, exact: b.exact, nUsed: b.points.length };
    },

    /** The chart's datasets (emgmm.viz.why.bound_datasets), by name. */
    datasets(b, c, colours) {
      const [curves, marks, note] = b.datasets;
      const records = [];
      [[b.curves[0], b.colours.log_likelihood, c.logLikelihood], [b.curves[1], colours[c.component - 1], c.bound]].forEach(([name, colour, gains]) => {
        c.means.forEach((mean, g) => records.push({ mean, curve: name, gain: gains[g], colour }));
      });
      const right = c.update >= c.current;
      return {
        [curves]: records,
        [marks]: [
          { mean: c.current, what: "mu_" + c.component + " now = " + shown(c.current), colour: b.colours.current, side: right ? "left" : "right" },
          { mean: c.update, what: "M-step: mu_" + c.component + " = " + shown(c.update), colour: b.colours.update, side: right ? "right" : "left" },
        ],
        [note]: c.exact ? [] : [{ text: "log L's gap above the bound from " + c.nUsed.toLocaleString("en-US") + " of the points" }],
      };
    },
  };

  /** One point worked out under `model`: per component w_i, N(x | mu_i, sd_i), their
      product, and r_i(x) = product / sum (``maths.responsibilities``: finite where every
      density underflows), with the sum, p(x). Mirrors emgmm.why.worked_point. */
  function workedPoint(x, model) {
    const rows = model.w.map((w, i) => {
      const density = maths.density(x, model, i);
      return { component: maths.number(model, i), label: maths.label(model, i), weight: w, mean: model.m[i], sd: model.s[i], density, product: w * density };
    });
    const sum = rows.reduce((a, r) => a + r.product, 0);
    const r = maths.responsibilities(x, model);
    rows.forEach((row, i) => Object.assign(row, { sum, responsibility: r[i] }));
    return rows;
  }

  /** The M-step that follows iteration `t` (the parameters of t + 1, read off the fit,
      as emgmm.mstep.history_sums does; after the last, the payload's ``last_step``):
      N_i = w_i' N, and the new means and sds. */
  function nextStep(payload, t) {
    const p = payload.models;
    if (t + 1 < p.weights.length) {
      const total = p.weights[t + 1].reduce((a, b) => a + b, 0);
      return { mass: p.weights[t + 1].map((w) => (w / total) * payload.total), means: p.means[t + 1], sds: p.sds[t + 1] };
    }
    return payload.last_step;
  }

  function model(payload, iteration) {
    const p = payload.models;
    return { w: p.weights[iteration], m: p.means[iteration], s: p.sds[iteration], noise: payload.noise || null };
  }

  /** The number of the i-th component of the payload's fit (the noise 0, the Gaussians from 1). */
  function numberOf(payload, i) {
    return payload.numbers ? payload.numbers[i] : i + 1;
  }

  /** What a frame draws, as numbers: the curves of its parameters (and of the faint ones
      an M-step moved from), the responsibilities panel and the strip's points under the
      parameters its responsibilities come from, and the iteration the paths mark.
      ``cache`` keeps what an iteration's parameters give, made once. */
  function frameValues(payload, step, cache) {
    const made = (iteration) => {
      if (!cache.has(iteration)) {
        const m = model(payload, iteration);
        const curves = maths.densities(payload.density_grid, m);
        const grid = payload.grid;
        const panel = new Float64Array(m.w.length * grid.length);
        grid.forEach((x, j) => maths.responsibilities(x, m).forEach((r, i) => { panel[i * grid.length + j] = r; }));
        cache.set(iteration, { curves, panel, points: maths.classify(payload.strip.values, m) });
      }
      return cache.get(iteration);
    };
    const params = made(step.params);
    const resp = made(step.resp);
    return {
      curves: params.curves.each,
      mixture: params.curves.mixture,
      previous: step.faint === null ? null : made(step.faint).curves.each,
      responsibilities: resp.panel,
      points: resp.points,
      current: step.params,
    };
  }

  /** The rows each view's datasets hold, made once per fit: each frame changes their
      values in place (``apply``), so Vega updates its marks instead of making new ones. */
  function frameRows(payload) {
    const k = payload.k;
    const curveRows = (extra) => {
      const out = [];
      for (let i = 0; i < k; i++) {
        payload.density_grid.forEach((x, j) => out.push(Object.assign({ n: i * payload.density_grid.length + j, component: numberOf(payload, i), x: x, density: 0 }, extra(i))));
      }
      return out;
    };
    const strip = payload.strip.values.map((x, n) => ({ n: n, x: x, jitter: payload.strip.jitter[n], component: 0, uncertainty: 0 }));
    const responsibilities = [];
    for (let i = 0; i < k; i++) {
      payload.grid.forEach((x, j) => responsibilities.push({ n: i * payload.grid.length + j, component: numberOf(payload, i), x: x, responsibility: 0 }));
    }
    return {
      curves: curveRows(() => ({})),
      mixture: payload.density_grid.map((x, j) => ({ n: j, x: x, density: 0 })),
      previous: curveRows((i) => ({ colour: payload.colours[i], density: null })),
      responsibilities: responsibilities,
      strip: strip,
      current: [{ iteration: 0 }],
    };
  }

  /** What each frame dataset shows in frame ``step`` (the iteration whose parameters make
      it): a dataset whose source is unchanged is left as it is. */
  function frameSources(step) {
    return {
      curves: step.params, mixture: step.params, previous: step.faint, current: step.params,
      responsibilities: step.resp, strip: step.resp,
    };
  }

  /** The changes that turn the rows of dataset ``name`` into frame ``values``'s: a list of
      [field, value of a row, which rows]. The strip's colour field changes only where it
      differs from ``before`` (the values on screen), so Vega redraws only those points. */
  function frameChanges(name, values, colourBy, before) {
    const all = () => true;
    if (name === "curves") return [["density", (t) => values.curves[t.n], all]];
    if (name === "mixture") return [["density", (t) => values.mixture[t.n], all]];
    // no faint curves: no values, so nothing drawn
    if (name === "previous") return [["density", values.previous ? (t) => values.previous[t.n] : () => null, all]];
    if (name === "responsibilities") return [["responsibility", (t) => values.responsibilities[t.n], all]];
    if (name === "current") return [["iteration", () => values.current, all]];
    const now = values.points[colourBy];
    // the component scale's domain is the numbers as text (style.component_number_scale)
    const value = colourBy === "component" ? (t) => String(now[t.n]) : (t) => now[t.n];
    return [[colourBy, value, before ? (t) => before[t.n] !== now[t.n] : all]];
  }

  // ------------------------------------------------------------------ Player
  const VENDOR = ["vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js"];
  /** How long a playback waits for its charts to come into sight before it plays anyway. */
  const SIGHT_WAIT_MS = 2000;
  const KEYS = { " ": "toggle", ArrowLeft: "back", ArrowRight: "forward", Home: "start", End: "end" };

  function element(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children || []) e.append(c);
    return e;
  }

  // The controls' icons (24 x 24 paths: Material Design's shapes, drawn here, no font).
  const ICONS = {
    start: "M6 6h2v12H6zm3.5 6 8.5 6V6z",
    back: "M15.41 7.41 14 6l-6 6 6 6 1.41-1.41L10.83 12z",
    play: "M8 5v14l11-7z",
    pause: "M6 19h4V5H6v14zm8-14v14h4V5h-4z",
    forward: "M10 6 8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z",
    end: "M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z",
    replay: "M12 5V1L7 6l5 5V7c3.31 0 6 2.69 6 6s-2.69 6-6 6-6-2.69-6-6H4c0 4.42 3.58 8 8 8s8-3.58 8-8-3.58-8-8-8z",
  };

  function svgIcon(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "icon");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  function codegenAllowed() {
    try {
      return new Function("return 1")() === 1; // eslint-disable-line no-new-func
    } catch (e) {
      return false; // a page whose policy forbids it: Vega interprets its expressions
    }
  }

  class Player {
    /**
     * @param {HTMLElement} host  where the player draws itself
     * @param {object} payload    emgmm/viz/player.py's payload
     * @param {object} options    {settings: {every, fps, half_steps, colour_by}, mode: "play"|"still",
     *                             onReport(value): called with what the page should know}
     */
    constructor(host, payload, options) {
      this.payload = payload;
      this.onReport = options.onReport || (() => {});
      const s = options.settings || payload.settings;
      this.every = s.every;
      this.fps = s.fps;
      this.half = !!s.half_steps;
      this.colourBy = s.colour_by;
      this.frames = rules.frames(payload.n_iter, this.every, this.half);
      this.index = 0;
      this.playing = false;
      this.due = 0;
      this.loop = 0; // the running clock's number: a new one stops the old
      this.cache = new Map();
      this.drawing = Promise.resolve();
      this.afterDraw = null; // the video recorder's hook
      this.views = {};
      this.build(host);
    }

    // ---- the page
    build(host) {
      const bounds = this.payload.bounds;
      const button = (label, action, icon, text) => {
        const b = element("button", { type: "button", "aria-label": label, title: label, onclick: () => this.act(action) }, [svgIcon(icon)]);
        if (text) b.append(element("span", { class: "label", text: text }));
        return b;
      };
      this.playButton = button("Play", "toggle", "play", "Play");
      this.slider = element("input", {
        type: "range", min: "0", value: "0", step: "1", "aria-label": "Frame",
        oninput: () => this.goTo(Number(this.slider.value)),
      });
      this.counterText = element("span", { class: "counter", "aria-hidden": "true" });
      this.fpsInput = element("input", {
        type: "number", min: String(bounds.fps[0]), max: String(bounds.fps[1]), step: "1",
        "aria-label": "Frames per second", onchange: () => this.setSettings({ fps: this.fpsInput.valueAsNumber }),
      });
      this.everyInput = element("input", {
        type: "number", min: String(bounds.every[0]), max: String(bounds.every[1]), step: "1",
        "aria-label": "Show every n-th iteration", onchange: () => this.setSettings({ every: this.everyInput.valueAsNumber }),
      });
      this.halfInput = element("input", {
        type: "checkbox", "aria-label": "Show E- and M-steps", onchange: () => this.setSettings({ half_steps: this.halfInput.checked }),
      });
      this.colourInput = element("select", {
        "aria-label": "Colour the points by", onchange: () => this.setSettings({ colour_by: this.colourInput.value }),
      }, Object.entries(this.payload.colour_labels).map(([v, t]) => element("option", { value: v, text: t })));
      this.recordButton = element("button", { type: "button", onclick: () => this.toggleRecording(), title: "Play from the start and save it as a WebM video" }, [document.createTextNode("Record video")]);
      const exportButton = element("button", { type: "button", onclick: () => this.exportHtml(), title: "One HTML file that plays offline, with these controls" }, [document.createTextNode("Download HTML")]);
      this.transport = [
        button("To the start", "start", "start"), button("Step back", "back", "back"), this.playButton,
        button("Step forward", "forward", "forward"), button("Skip to the end", "end", "end"),
        button("Replay", "replay", "replay"),
      ];
      this.heading = element("div", { class: "heading", role: "status", "aria-live": "polite", "aria-atomic": "true" });
      this.settings = element("div", { class: "settings" }, [
        element("label", {}, [document.createTextNode("Frames per second "), this.fpsInput]),
        element("label", {}, [document.createTextNode("Every n-th iteration "), this.everyInput]),
        element("label", {}, [this.halfInput, document.createTextNode(" E- and M-steps")]),
        element("label", {}, [document.createTextNode("Colour points by "), this.colourInput]),
        element("span", { class: "gap" }), this.recordButton, exportButton,
      ]);
      this.caption = element("p", { class: "caption" });
      this.pointInput = element("input", {
        type: "number", step: "any", "aria-label": "The point x to work out",
        onchange: () => this.setPoint(this.pointInput.valueAsNumber),
      });
      this.pointTable = element("table", { class: "numbers", "aria-live": "polite" });
      this.stepTable = element("table", { class: "numbers" });
      this.why = element("div", { class: "why" }, [
        element("div", {}, [
          element("p", { class: "why-title" }, [document.createTextNode("One point, worked out: x = "), this.pointInput,
            element("span", { class: "hint", text: " (or click a point of the strip)" })]),
          this.pointTable,
        ]),
        element("div", {}, [element("p", { class: "why-title", text: "The M-step that follows this frame" }), this.stepTable]),
      ]);
      // the controls, the heading and the frame first (a projector's 720 pixels hold them),
      // the settings under the frame, the paths of the parameters last
      this.root = element("section", { class: "player", tabindex: "0", "aria-label": "Playback: Space plays or pauses, Left and Right step, Home and End go to the start and the end" }, [
        element("div", { class: "controls" }, [...this.transport, this.slider, this.counterText]),
        this.heading,
      ]);
      for (const row of this.payload.rows) {
        const line = element("div", { class: "row" });
        for (const name of row) {
          this.views[name] = { box: element("div", { class: "view view-" + name }) };
          if (name === "bound") line.append(this.boundHeader());
          line.append(this.views[name].box);
        }
        this.root.append(line);
        if (row.includes("strip")) this.root.append(this.caption, this.settings, this.why);
      }
      this.root.addEventListener("keydown", (e) => {
        const tag = e.target.tagName;
        if (tag === "INPUT" || tag === "SELECT") return; // the box's own keys
        const action = KEYS[e.key];
        if (!action) return;
        e.preventDefault();
        this.act(action);
      });
      host.append(this.root);
      this.showSettings();
      this.watch();
    }

    /** Above the bound: its title, which mean it follows, and what its lines are. */
    boundHeader() {
      this.boundComponent = 0; // the mean the frame's M-step moves most
      const choices = [element("option", { value: "0", text: "the one that moves most" })];
      for (let i = 1; i <= this.payload.k; i++) choices.push(element("option", { value: String(i), text: "C" + i }));
      this.boundInput = element("select", {
        "aria-label": "The mean the bound follows",
        onchange: () => {
          this.boundComponent = Number(this.boundInput.value);
          const v = this.views.bound;
          v.source = null;
          this.drawing = this.drawing.then(() => this.update(v));
        },
      }, choices);
      return element("div", { class: "bound-head" }, [
        element("p", { class: "why-title" }, [document.createTextNode("The bound EM climbs in this frame's M-step, along the mean of "), this.boundInput]),
        element("p", { class: "caption", text: this.payload.bound.key }),
      ]);
    }

    showSettings() {
      this.fpsInput.value = String(this.fps);
      this.everyInput.value = String(this.every);
      this.halfInput.checked = this.half;
      this.colourInput.value = this.colourBy;
      this.caption.textContent = this.payload.captions[this.colourBy];
      this.slider.max = String(this.frames.length - 1);
    }

    async embed() {
      const opts = { actions: false, renderer: "canvas", ast: !codegenAllowed() };
      const specs = this.payload.templates;
      await Promise.all(Object.keys(this.views).map(async (name) => {
        const template = name === "strip" ? this.stripTemplate() : name;
        await this.embedView(name, name === "bound" ? this.payload.bound.template : specs[template], opts);
      }));
    }

    stripTemplate() {
      return this.colourBy === "uncertainty" ? "strip_uncertainty" : "strip";
    }

    /** Embed `spec` in view `name`, its frame datasets filled with this fit's rows (the
        spec carries them empty). */
    async embedView(name, spec, opts) {
      const v = this.views[name];
      if (v.view) v.view.finalize();
      v.box.textContent = "";
      const rows = frameRows(this.payload);
      const datasets = Object.assign({}, spec.datasets);
      for (const key of Object.keys(datasets)) if (key in rows) datasets[key] = rows[key];
      const tooltip = name === "strip" ? { tooltip: (handler, event, item, value) => this.tip(event, item, value) } : {};
      const result = await root.vegaEmbed(v.box, Object.assign({}, spec, { datasets }), Object.assign({}, opts, tooltip));
      v.view = result.view;
      if (name === "strip") {
        v.view.addEventListener("click", (event, item) => {
          if (item && item.datum && Number.isFinite(item.datum.x)) this.setPoint(item.datum.x);
        });
      }
      v.names = new Set(Object.keys(datasets).filter((key) => key in rows));
      v.sources = {};
      v.source = null;
      v.shownPoints = null;
      if (this.values) await this.update(v);
    }

    /** The strip's tooltip: the point's value, and every r_i(x) under the parameters of the
        frame on screen (computed for the hovered point only). */
    tip(event, item, value) {
      if (!this.tipBox) {
        this.tipBox = element("div", { class: "tip", role: "tooltip" });
        document.body.append(this.tipBox);
      }
      if (!value || !item || !item.datum) {
        this.tipBox.style.display = "none";
        return;
      }
      const m = model(this.payload, this.step.resp);
      const r = maths.responsibilities(item.datum.x, m);
      const lines = Object.entries(value).map(([k, v]) => k + ": " + v);
      r.forEach((ri, i) => lines.push("r_" + maths.number(m, i) + "(x)" + (isNoise(m, i) ? " (noise)" : "") + ": " + ri.toFixed(2)));
      this.tipBox.textContent = lines.join("\n");
      Object.assign(this.tipBox.style, { display: "block", left: event.clientX + 12 + "px", top: event.clientY + 12 + "px" });
    }

    // ---- frames
    get step() {
      const list = this.half ? this.payload.frames.half_steps : this.payload.frames.iterations;
      return list[this.frames[this.index]];
    }

    /** Draw frame `index` (queued behind a frame being drawn); resolves once on screen. */
    draw(index) {
      this.drawing = this.drawing.then(() => this.drawNow(index)).catch((err) => console.error(err));
      return this.drawing;
    }

    async drawNow(index) {
      this.index = Math.min(Math.max(index, 0), this.frames.length - 1);
      const step = this.step;
      this.values = frameValues(this.payload, step, this.cache);
      const shown = Object.values(this.views).filter((v) => v.view && (v.visible || this.afterDraw));
      await Promise.all(shown.map((v) => this.update(v)));
      // the heading changes once the charts show the frame: what it says is on screen
      this.heading.textContent = step.title;
      // the tables out of sight while playing wait until they come into sight (`watch`)
      if (this.whyVisible || !this.playing) this.showNumbers();
      this.slider.value = String(this.index);
      this.counterText.textContent = rules.counter(this.frames, this.index, this.half, this.payload.n_iter);
      this.slider.setAttribute("aria-valuetext", this.counterText.textContent);
      if (this.afterDraw) this.afterDraw();
    }

    /** Work out the point `x` (the box, or a click on the strip) for the frame on screen. */
    setPoint(x) {
      if (!Number.isFinite(x)) return;
      this.point = x;
      this.pointInput.value = String(x);
      this.showNumbers();
    }

    /** The worked point and the next M-step of the frame on screen, in the digits the
        page shows (4 significant; N_i to one decimal). The frame's responsibilities come
        from its ``resp`` iteration, whose M-step makes the next parameters. */
    showNumbers() {
      const t = this.step.resp;
      const m = model(this.payload, t);
      if (this.point === undefined) {
        // the strip point the frame's model shares most evenly
        const u = maths.classify(this.payload.strip.values, m).uncertainty;
        this.point = this.payload.strip.values[u.indexOf(Math.max(...u))];
        this.pointInput.value = String(this.point);
      }
      const next = nextStep(this.payload, t);
      const g = shown;
      const n = (v) => v.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
      const rows = workedPoint(this.point, m);
      table(this.pointTable, ["", "w_i", "N(x | mu_i, sd_i)", "w_i N(...)", "r_i(x)", "N_i", "r_i x / N_i"],
        rows.map((r, i) => [r.label, g(r.weight), g(r.density), g(r.product), g(r.responsibility),
          n(next.mass[i]), g(next.mass[i] > 0 ? (r.responsibility * this.point) / next.mass[i] : 0)]),
        "sum: p(x) = " + g(rows[0].sum));
      table(this.stepTable, ["", "N_i = sum_n r_ni", "w_i = N_i / N", "mu_i", "sd_i"],
        next.mass.map((mass, i) => [maths.label(m, i), n(mass), g(mass / this.payload.total), g(next.means[i]), g(next.sds[i])]),
        "N = " + n(this.payload.total));
    }

    /** View `v` showing the frame on screen: only the datasets whose source changed. A view
        out of sight is left until it comes into sight (`watch`). */
    update(v) {
      if (v === this.views.bound) return this.updateBound(v);
      const sources = frameSources(this.step);
      let changed = false;
      for (const name of v.names) {
        if (v.sources[name] === sources[name]) continue;
        const change = root.vega.changeset();
        const before = name === "strip" ? v.shownPoints : null;
        for (const [field, value, which] of frameChanges(name, this.values, this.colourBy, before)) change.modify(which, field, value);
        v.view.change(name, change);
        v.sources[name] = sources[name];
        if (name === "strip") v.shownPoints = this.values.points[this.colourBy];
        changed = true;
      }
      return changed ? v.view.runAsync() : Promise.resolve();
    }

    /** The bound of the frame's M-step (the responsibilities it draws, and the parameters
        they make next), its datasets replaced whole: its means move with the frame. */
    updateBound(v) {
      const t = this.step.resp;
      const source = t + ":" + this.boundComponent;
      if (v.source === source) return Promise.resolve();
      const b = this.payload.bound;
      const curves = bound.curves(b, model(this.payload, t), nextStep(this.payload, t), this.payload.total, this.boundComponent);
      for (const [name, rows] of Object.entries(bound.datasets(b, curves, this.payload.colours))) {
        v.view.change(name, root.vega.changeset().remove(() => true).insert(rows));
      }
      v.source = source;
      return v.view.runAsync();
    }

    /** Draw each view, and the worked point's tables, when it comes into sight (what is
        out of sight is not drawn: on a projector they are below the fold while the frame plays). */
    watch() {
      const observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (entry.target === this.why) {
            this.whyVisible = entry.isIntersecting;
            if (this.whyVisible && this.values) this.showNumbers();
            continue;
          }
          const v = Object.values(this.views).find((view) => view.box === entry.target);
          v.visible = entry.isIntersecting;
          if (v.visible && this.seen) this.seen();
          if (v.visible && this.values && v.view) this.drawing = this.drawing.then(() => this.update(v));
        }
      });
      for (const v of Object.values(this.views)) observer.observe(v.box);
      observer.observe(this.why);
    }

    /** Resolves once a chart of the player is on screen (``watch`` tells), or after
        ``waitMs`` if none comes into sight (a page scrolled away still plays), or when a
        person acts on the player (``stopWaiting``). */
    inSight(waitMs) {
      if (Object.values(this.views).some((v) => v.visible)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          if (this.seen === done) this.seen = null;
          resolve();
        };
        this.seen = done;
        setTimeout(done, waitMs);
      });
    }

    /** A person's step, scrub or recording goes ahead at once, not after the wait for sight. */
    stopWaiting() {
      if (this.seen) this.seen();
    }

    // ---- the clock
    play() {
      if (this.index === this.frames.length - 1) this.index = 0; // at the end: from the start
      this.playing = true;
      this.showPlaying();
      const loop = ++this.loop;
      this.draw(this.index).then(() => {
        this.due = this.drawnAt = performance.now();
        this.run(loop);
      });
    }

    pause() {
      this.playing = false;
      this.loop++;
      this.showPlaying();
      if (this.values) this.showNumbers(); // paused, the tables show the frame wherever they are
    }

    showPlaying() {
      const label = this.playing ? "Pause" : "Play";
      this.playButton.setAttribute("aria-label", label);
      this.playButton.title = label;
      this.playButton.firstChild.replaceWith(svgIcon(this.playing ? "pause" : "play"));
      this.playButton.lastChild.textContent = label;
    }

    /** The clock: ``this.due`` is when the frame on screen was due, ``this.drawnAt`` when
        it was drawn; the next is due by ``rules.nextDue``. */
    async run(loop) {
      while (this.playing && loop === this.loop) {
        const due = rules.nextDue(this.due, this.drawnAt, 1000 / this.fps);
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (!this.playing || loop !== this.loop) return;
        if (this.index === this.frames.length - 1) { // the last frame has had its time
          this.pause();
          this.finished();
          return;
        }
        await this.draw(this.index + 1);
        this.due = due;
        this.drawnAt = performance.now();
      }
    }

    /** The playback reached its end: the page shows the final view; unless the end was a
        recording's, which stays on the playback. */
    finished() {
      if (this.onFinished) this.onFinished();
      else this.report({ finished: true });
    }

    act(action) {
      this.stopWaiting();
      if (action === "toggle") return this.playing ? this.pause() : this.play();
      if (action === "replay") { this.index = 0; return this.play(); }
      this.pause();
      if (action === "back") return this.draw(this.index - 1);
      if (action === "forward") return this.draw(this.index + 1);
      if (action === "start") return this.draw(0);
      if (action === "end") return this.draw(this.frames.length - 1).then(() => this.finished());
    }

    goTo(index) {
      this.stopWaiting();
      this.pause();
      return this.draw(index);
    }

    /** New settings, from the player's own boxes or the page's sidebar: the playback
        continues from the frame on screen (``rules.moved``), at the new rate from the
        next frame on. */
    setSettings(change, fromPage) {
      const bounds = this.payload.bounds;
      const clamp = (v, [lo, hi], old) => (Number.isFinite(v) ? Math.min(Math.max(Math.round(v), lo), hi) : old);
      const next = {
        every: "every" in change ? clamp(change.every, bounds.every, this.every) : this.every,
        fps: "fps" in change ? clamp(change.fps, bounds.fps, this.fps) : this.fps,
        half: "half_steps" in change ? !!change.half_steps : this.half,
        colourBy: "colour_by" in change ? change.colour_by : this.colourBy,
      };
      const frame = rules.moved(this.frames[this.index], { every: this.every, half: this.half },
        { every: next.every, half: next.half }, this.payload.n_iter);
      const recolour = next.colourBy !== this.colourBy;
      const reframe = next.every !== this.every || next.half !== this.half;
      Object.assign(this, { every: next.every, fps: next.fps, half: next.half, colourBy: next.colourBy });
      this.frames = rules.frames(this.payload.n_iter, this.every, this.half);
      this.showSettings();
      if (!fromPage) this.report({});
      if (!recolour && !reframe) return Promise.resolve(); // fps: the clock reads it for the next frame
      const index = this.frames.indexOf(frame);
      this.drawing = this.drawing.then(async () => {
        if (recolour) {
          await this.embedView("strip", this.payload.templates[this.stripTemplate()], { actions: false, renderer: "canvas", ast: !codegenAllowed() });
        }
        await this.drawNow(index);
      });
      return this.drawing;
    }

    report(extra) {
      this.onReport(Object.assign({
        fit: this.payload.fit, every: this.every, fps: this.fps, half_steps: this.half, colour_by: this.colourBy,
      }, extra));
    }

    // ---- into slides
    async assetText(name) {
      const inline = document.querySelector('[data-asset="' + name + '"]');
      if (inline) return inline.textContent;
      const response = await fetch(name);
      return response.text();
    }

    /** The playback as one HTML file: the libraries, this player and the payload inline. */
    async standaloneHtml() {
      const safe = (text) => text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
      const scripts = await Promise.all([...VENDOR, "player.js"].map(async (name) =>
        '<script data-asset="' + name + '">' + safe(await this.assetText(name)) + "</script>"));
      const css = await this.assetText("player.css");
      const settings = { every: this.every, fps: this.fps, half_steps: this.half, colour_by: this.colourBy };
      const payload = JSON.stringify(Object.assign({}, this.payload, { settings })).replace(/</g, "\\u003c");
      return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        "<title>" + this.payload.title.replace(/</g, "&lt;") + "</title>" +
        '<style data-asset="player.css">' + css + "</style>" + scripts.join("\n") +
        '<script type="application/json" id="emgmm-payload">' + payload + "</script>" +
        "</head><body><h1>" + this.payload.title.replace(/</g, "&lt;") + "</h1>" +
        "<script>EmgmmPlayer.standalone();</script></body></html>\n";
    }

    async exportHtml() {
      const html = await this.standaloneHtml();
      download(new Blob([html], { type: "text/html" }), "emgmm-playback.html");
    }

    /** Record the playback from its first frame to its last as a WebM video: every frame
        drawn is painted on one canvas (heading and charts) whose stream MediaRecorder
        encodes in the browser. */
    toggleRecording() {
      this.stopWaiting();
      if (this.recording) return this.recording.stop();
      const canvas = document.createElement("canvas");
      const stream = canvas.captureStream(0);
      const track = stream.getVideoTracks()[0];
      const type = ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm"].find((t) => MediaRecorder.isTypeSupported(t));
      const recorder = new MediaRecorder(stream, { mimeType: type });
      const chunks = [];
      recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      recorder.onstop = () => {
        this.afterDraw = null;
        this.onFinished = null;
        this.recording = null;
        this.recordButton.textContent = "Record video";
        download(new Blob(chunks, { type: "video/webm" }), "emgmm-playback.webm");
      };
      this.afterDraw = () => {
        this.paint(canvas);
        track.requestFrame();
      };
      // the last frame is held its frame time, then the recording ends
      this.onFinished = () => setTimeout(() => recorder.state === "recording" && recorder.stop(), 1000 / this.fps);
      this.recording = recorder;
      this.recordButton.textContent = "Stop recording";
      this.pause();
      this.index = 0;
      this.paint(canvas); // sized before the stream starts
      recorder.start();
      this.play();
    }

    /** The heading and every chart of the frame on screen, one under the other, on `canvas`. */
    paint(canvas) {
      const charts = Object.values(this.views).map((v) => v.box.querySelector("canvas")).filter(Boolean);
      const ratio = charts.length ? charts[0].width / charts[0].getBoundingClientRect().width || 1 : 1;
      const band = Math.round(32 * ratio);
      const width = Math.max(...charts.map((c) => c.width), 320);
      const height = band + charts.reduce((h, c) => h + c.height, 0);
      if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, width, height);
      ctx.fillStyle = "#1B1B2F";
      ctx.font = "bold " + Math.round(16 * ratio) + "px sans-serif";
      ctx.fillText(this.heading.textContent, Math.round(8 * ratio), Math.round(22 * ratio));
      let y = band;
      for (const c of charts) {
        ctx.drawImage(c, 0, y);
        y += c.height;
      }
    }
  }

  /** Fill `t` with a header row, `rows` and a caption line. */
  function table(t, header, rows, note) {
    t.textContent = "";
    t.append(element("caption", { text: note }));
    t.append(element("tr", {}, header.map((h) => element("th", { text: h }))));
    for (const row of rows) t.append(element("tr", {}, row.map((c) => element("td", { text: c }))));
  }

  function download(blob, name) {
    const a = element("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }

  /** A player in `host`, drawn: on its last frame ("still"), its first ("first"), or
      playing from its first once its charts are in sight ("play"; `options.sightWaitMs`,
      by default SIGHT_WAIT_MS: how long it waits for them before it plays anyway). */
  async function start(host, payload, options) {
    const player = new Player(host, payload, options);
    await player.embed();
    if (options.mode === "still") await player.draw(player.frames.length - 1); // a finished fit: its last frame
    else if (options.mode === "first") await player.draw(0);
    else {
      // the page sizes a new player's frame after it starts: played at once, its first
      // frames would pass unseen, the charts still out of sight
      player.drawing = player.drawing.then(() => player.inSight(options.sightWaitMs ?? SIGHT_WAIT_MS));
      player.play();
    }
    return player;
  }

  // ------------------------------------------------------------------ inside Streamlit
  /** The Streamlit component (emgmm/viz/player/index.html): args {payload, settings,
      settings_seq, mode, token}; reports {fit, every, fps, half_steps, colour_by,
      finished?, seq} as its value. */
  function streamlit() {
    const send = (type, data) =>
      window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data), "*");
    let player = null;
    let seen = {};
    let seq = 0;
    let rendered = false;
    const instance = Math.random().toString(36).slice(2); // a new player's reports are new
    const host = document.getElementById("player");
    const report = (value) =>
      send("streamlit:setComponentValue", { value: Object.assign(value, { id: instance + "-" + ++seq }), dataType: "json" });
    window.addEventListener("message", async (event) => {
      if (!event.data || event.data.type !== "streamlit:render") return;
      rendered = true;
      const args = event.data.args;
      if (!player || args.payload.fit !== seen.fit || args.token !== seen.token) {
        if (player) player.pause();
        host.textContent = "";
        seen = { fit: args.payload.fit, token: args.token, settingsSeq: args.settings_seq };
        player = null;
        player = await start(host, args.payload, { settings: args.settings, mode: args.mode, onReport: report });
        root.player = player;
      } else if (args.settings_seq !== seen.settingsSeq) {
        seen.settingsSeq = args.settings_seq;
        player.setSettings(args.settings, true);
      }
    });
    const resized = () => send("streamlit:setFrameHeight", { height: document.documentElement.scrollHeight });
    new ResizeObserver(resized).observe(document.body);
    // Said again until the page answers: a frame that moves on the page (the playback into
    // the final view) can load before Streamlit listens to it, and its first word is lost.
    const ready = () => {
      if (player || rendered) return;
      send("streamlit:componentReady", { apiVersion: 1 });
      resized();
      setTimeout(ready, 500);
    };
    ready();
  }

  // ------------------------------------------------------------------ from a file
  /** A downloaded playback: the payload is in the page; it opens paused on the first frame. */
  async function standalone() {
    const payload = JSON.parse(document.getElementById("emgmm-payload").textContent);
    const host = element("main", {});
    document.body.append(host);
    root.player = await start(host, payload, { settings: payload.settings, mode: "first" });
  }

  root.EmgmmPlayer = { rules, maths, bound, shown, workedPoint, nextStep, frameValues, frameRows, Player, start, streamlit, standalone, SIGHT_WAIT_MS };
})(window);
