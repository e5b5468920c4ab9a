"""The player's rules and maths in Chromium against their Python originals.

``player.js`` mirrors ``emgmm.viz.playback`` (which frames, where a change leaves the
playback, when the next frame is due) and computes a frame's numbers from its parameters
(the strip's colours and uncertainty, the responsibilities panel, the density curves) as
the engine does. Each is run here in the browser, on the player's own code, over many
cases, and compared with Python's.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import norm

from emgmm import GMM, classify, responsibilities
from emgmm.noise import NoisyMixture, noisy_mixture
from emgmm.teaching import uncertainty
from emgmm.viz import playback, shown
from tests.support.player_page import page as player_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def js(browser):
    """A page with the player's code (no payload): evaluates script against it."""
    page = browser.new_page()
    page.set_content(player_page())
    page.wait_for_function("window.EmgmmPlayer", timeout=30_000)
    yield page.evaluate
    page.close()


def test_which_frames_and_where_a_change_leaves_the_playback_agree(js):
    cases = [
        (n_iter, every, half)
        for n_iter, every, half in itertools.product(
            (0, 1, 2, 7, 40, 116), (1, 2, 3, 5, 10, 50), (False, True)
        )
    ]
    got = js(
        """(cases) => cases.map(([n, every, half]) => {
             const R = EmgmmPlayer.rules;
             const frames = R.frames(n, every, half);
             return {
               frames,
               labels: frames.map((f) => R.stepLabel(f, half)),
               iterations: frames.map((f) => R.iterationOf(f, half)),
               counters: frames.map((_, i) => R.counter(frames, i, half, n)),
             };
           })""",
        cases,
    )
    for (n_iter, every, half), out in zip(cases, got, strict=True):
        shown = playback.frames(n_iter, playback.Sequence(every, half))
        assert out["frames"] == list(shown)
        assert out["labels"] == [playback.step_label(f, half) for f in shown]
        assert out["iterations"] == [playback.iteration_of(f, half) for f in shown]
        assert out["counters"] == [playback.counter(shown, i, half, n_iter) for i in range(len(shown))]

    changes = []
    for n_iter in (7, 40, 116):
        for old, new in itertools.product(
            [playback.Sequence(e, h) for e in (1, 3, 10) for h in (False, True)], repeat=2
        ):
            changes += [(n_iter, old, new, f) for f in playback.frames(n_iter, old)]
    moved = js(
        """(changes) => changes.map(([n, [e0, h0], [e1, h1], f]) =>
             EmgmmPlayer.rules.moved(f, {every: e0, half: h0}, {every: e1, half: h1}, n))""",
        [(n, list(old), list(new), f) for n, old, new, f in changes],
    )
    assert moved == [playback.moved(f, old, new, n) for n, old, new, f in changes]

    dues = [
        (due, drawn, t) for due in (0.0, 10.0, 125.0) for drawn in (0.0, 50.0, 200.0) for t in (41.7, 125.0)
    ]
    got_due = js("(dues) => dues.map(([d, w, t]) => EmgmmPlayer.rules.nextDue(d, w, t))", dues)
    assert got_due == [playback.next_due(*case) for case in dues]


def random_models(rng: np.random.Generator, count: int) -> list[GMM]:
    models = []
    for _ in range(count):
        k = int(rng.integers(1, 8))
        scale = 10.0 ** rng.uniform(-3, 3)
        models.append(
            GMM(rng.dirichlet(np.ones(k)), rng.normal(0, 2 * scale, k), scale * rng.uniform(0.05, 1.5, k))
        )
    return models


def test_a_frames_numbers_are_the_engines(js):
    """The strip's components and uncertainty, the responsibilities panel and the density
    curves, computed by the player from the parameters, equal the engine's: to rounding,
    and the same component wherever the engine's choice is not a tie to rounding."""
    rng = np.random.default_rng(7)
    for model in random_models(rng, 12):
        spread = float(np.max(np.abs(model.means)) + 4 * np.max(model.sds))
        x = np.concatenate(
            [rng.uniform(-spread, spread, 300), [50 * spread, -50 * spread]]
        )  # far: still finite
        out = js(
            """([x, w, m, s]) => {
                 const M = EmgmmPlayer.maths, model = {w, m, s};
                 const points = M.classify(x, model);
                 return {r: points.r, component: points.component, uncertainty: points.uncertainty,
                         densities: Array.from(M.densities(x, model).each), mixture: Array.from(M.densities(x, model).mixture)};
               }""",
            [x.tolist(), model.weights.tolist(), model.means.tolist(), model.sds.tolist()],
        )
        r = responsibilities(x, model)
        np.testing.assert_allclose(np.array(out["r"]), r, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(out["uncertainty"], uncertainty(x, model), rtol=1e-9, atol=1e-12)
        top2 = np.sort(r, axis=1)[:, -2:] if model.n_components > 1 else np.ones((x.size, 2))
        clear = top2[:, 1] - top2[:, 0] > 1e-9  # not a tie to rounding
        assert np.array_equal(np.array(out["component"])[clear] - 1, classify(x, model)[clear])
        each = model.weights[:, None] * norm.pdf(x[None, :], model.means[:, None], model.sds[:, None])
        np.testing.assert_allclose(
            np.array(out["densities"]).reshape(model.n_components, -1), each, rtol=1e-9, atol=1e-300
        )
        np.testing.assert_allclose(out["mixture"], each.sum(axis=0), rtol=1e-9, atol=1e-300)


def test_one_point_worked_out_and_the_next_m_step_are_the_engines(js):
    """The player's worked point (w_i, N(x | ...), their product, p(x), r_i) and the M-step
    that follows a frame (N_i, the new means and sds) equal ``why.worked_point`` and
    ``mstep.history_sums``, for frames across a fit, at points near and far."""
    from emgmm import fit_em, sample
    from emgmm.history import models_by_iteration
    from emgmm.mstep import history_sums
    from emgmm.why import worked_point

    x, _ = sample(GMM([0.3, 0.7], [-1.0, 2.0], [0.5, 1.0]), 500, rng=3)
    history = fit_em(x, 3, rng=0, max_iter=12)
    models = models_by_iteration(history)
    payload = {
        "models": {
            "weights": [m.weights.tolist() for m in models],
            "means": [m.means.tolist() for m in models],
            "sds": [m.sds.tolist() for m in models],
        },
        "total": float(history.attrs["total_weight"]),
        "last_step": None,
    }
    for t in (0, 3, len(models) - 2):
        model = models[t]
        sums = history_sums(history, t)
        for value in (-1.2, 0.4, 2.5, 40.0):
            got = js(
                """([payload, t, x]) => ({
                     rows: EmgmmPlayer.workedPoint(x, {w: payload.models.weights[t], m: payload.models.means[t],
                                                       s: payload.models.sds[t]}),
                     next: EmgmmPlayer.nextStep(payload, t)})""",
                [payload, t, value],
            )
            want = worked_point(value, model)
            for column in ("weight", "density", "product", "sum", "responsibility"):
                np.testing.assert_allclose(
                    [row[column] for row in got["rows"]], want[column].to_numpy(), rtol=1e-9, atol=1e-300
                )
            np.testing.assert_allclose(got["next"]["mass"], sums.mass, rtol=1e-12)
            np.testing.assert_allclose(got["next"]["means"], sums.means, rtol=1e-15)
            np.testing.assert_allclose(got["next"]["sds"], sums.sds, rtol=1e-15)


def random_noisy_models(rng: np.random.Generator, count: int) -> list[NoisyMixture]:
    """Gaussians with a noise over a range around them, its weight from none to all."""
    noisy = []
    for model, weight in zip(
        random_models(rng, count), [0.0, 1.0, *rng.uniform(0, 0.5, count)], strict=False
    ):
        spread = float(np.max(np.abs(model.means)) + 3 * np.max(model.sds))
        noisy.append(
            NoisyMixture(float(weight), -spread * rng.uniform(0.5, 1), spread * rng.uniform(0.5, 1), model)
        )
    return noisy


def test_a_noisy_frames_numbers_are_the_charts(js):
    """With a noise component (component 0, numbered 0), the player's responsibilities,
    classes, uncertainty, densities and worked point equal ``viz.shown``'s, the rule every
    chart draws by: the noise flat at every x, its share that over p(x)."""
    rng = np.random.default_rng(11)
    all_noise = NoisyMixture(1.0, -1.0, 1.0, GMM([0.3, 0.7], [0.0, 3.0], [1.0, 1.0]))
    for given in [all_noise, *random_noisy_models(rng, 10)]:
        noisy = given
        wide = 2 * max(abs(noisy.low), abs(noisy.high))
        x = np.concatenate([rng.uniform(-wide, wide, 300), [noisy.low, noisy.high, 60 * wide]])
        every = noisy.weights
        means = np.r_[noisy.low / 2 + noisy.high / 2, noisy.gaussians.means]
        sds = np.r_[(noisy.high - noisy.low) / np.sqrt(12), noisy.gaussians.sds]
        # as the page reads a history's rows (with all the weight on the noise, the
        # Gaussians then weigh the same: their relative weights are not in the rows)
        noisy = noisy_mixture(GMM(every, means, sds), noisy.low, noisy.high)
        out = js(
            """([x, w, m, s, noise]) => {
                 const M = EmgmmPlayer.maths, model = {w, m, s, noise};
                 const points = M.classify(x, model), d = M.densities(x, model);
                 return {r: points.r, component: points.component, uncertainty: points.uncertainty,
                         densities: Array.from(d.each), mixture: Array.from(d.mixture),
                         worked: x.slice(0, 20).map((v) => EmgmmPlayer.workedPoint(v, model)),
                         labels: w.map((_, i) => M.label(model, i))};
               }""",
            [
                x.tolist(),
                every.tolist(),
                means.tolist(),
                sds.tolist(),
                {"low": noisy.low, "high": noisy.high},
            ],
        )
        r = shown.shown_responsibilities(noisy, x)
        np.testing.assert_allclose(np.array(out["r"]), r, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(out["uncertainty"], 1 - r.max(axis=1), rtol=1e-9, atol=1e-12)
        top2 = np.sort(r, axis=1)[:, -2:]
        clear = top2[:, 1] - top2[:, 0] > 1e-9
        assert np.array_equal(np.array(out["component"])[clear], shown.shown_classes(noisy, x)[clear])
        each = shown.component_densities(noisy, x)
        np.testing.assert_allclose(
            np.array(out["densities"]).reshape(each.shape), each, rtol=1e-9, atol=1e-300
        )
        np.testing.assert_allclose(out["mixture"], each.sum(axis=0), rtol=1e-9, atol=1e-300)
        # the noise is flat everywhere, beyond its range too (the engine's, mclust's constant)
        np.testing.assert_allclose(each[0], every[0] / (noisy.high - noisy.low), rtol=1e-12)
        assert out["labels"] == ["noise"] + [f"C{i}" for i in range(1, noisy.n_components + 1)]
        for value, rows in zip(x[:20], out["worked"], strict=True):
            products = shown.component_densities(noisy, [value])[:, 0]
            np.testing.assert_allclose([row["product"] for row in rows], products, rtol=1e-9, atol=1e-300)
            assert [row["component"] for row in rows] == list(range(noisy.n_components + 1))


@pytest.mark.parametrize(
    "n, weighted", [(400, False), (400, True), (7_000, False)], ids=["all-points", "weighted", "subsample"]
)
def test_the_bound_in_each_frame_is_the_engines(js, n, weighted):
    """The player's bound along a mean (the one the M-step moves most, and each other one)
    is ``bound.bound_curves`` drawn as ``viz.why.bound_datasets`` draws it, from the payload
    the page sends: exact data, weighted data and a strided subsample of a larger set."""
    from emgmm import fit_em, sample
    from emgmm.bound import bound_curves, moving_most
    from emgmm.history import final_model
    from emgmm.mstep import history_sums, m_step_sums
    from emgmm.viz import player, screens
    from emgmm.viz import why as vw

    x, _ = sample(GMM([0.3, 0.5, 0.2], [-1.0, 1.5, 3.0], [0.5, 0.8, 0.4]), n, rng=4)
    weights = np.random.default_rng(0).integers(1, 4, n).astype(float) if weighted else None
    history = fit_em(x, 3, weights=weights, rng=0, max_iter=15)
    last = m_step_sums(x, final_model(history), weights)
    view = screens.data_view(x, 1)
    made = player.payload(
        history,
        view,
        1.0,
        title="",
        settings={},
        bounds={},
        colour_labels={},
        last_step=last,
        data=(x, weights),
    )
    assert made["bound"]["exact"] is (n <= 3_000)
    n_iter = int(history.attrs["n_iter"])
    for t in (0, 4, n_iter):
        sums = history_sums(history, t) if t < n_iter else last
        for component in (0, *range(1, 4)):
            got = js(
                """([payload, t, c]) => {
                     const P = EmgmmPlayer, p = payload.models;
                     const m = {w: p.weights[t], m: p.means[t], s: p.sds[t]};
                     const curves = P.bound.curves(payload.bound, m, P.nextStep(payload, t), payload.total, c);
                     return P.bound.datasets(payload.bound, curves, payload.colours);
                   }""",
                [made, t, component],
            )
            want = vw.bound_datasets(bound_curves(x, sums, component or None, weights=weights))
            chosen = component or moving_most(sums)
            assert [r["what"] for r in got[vw.BOUND_MARKS]] == [r["what"] for r in want[vw.BOUND_MARKS]], (
                chosen
            )
            assert got[vw.BOUND_NOTE] == want[vw.BOUND_NOTE]
            got_rows, want_rows = got[vw.BOUND_CURVES], want[vw.BOUND_CURVES]
            assert [(r["curve"], r["colour"]) for r in got_rows] == [
                (r["curve"], r["colour"]) for r in want_rows
            ]
            np.testing.assert_allclose(
                [r["mean"] for r in got_rows], [r["mean"] for r in want_rows], rtol=1e-12
            )
            # gains over log L(theta_t) of order 1e3 n: the sums' own rounding, not the curve
            scale = abs(sums.log_likelihood)
            np.testing.assert_allclose(
                [r["gain"] for r in got_rows], [r["gain"] for r in want_rows], rtol=1e-7, atol=1e-10 * scale
            )


#: Records each heading the player shows in ``host`` (``window.heads``: [text, time]), then
#: starts it playing at 24 fps below a fold of 3,000 pixels, as Streamlit makes a new
#: player's frame before it sizes it, waiting ``wait`` ms (null: the player's own) for its
#: charts to come into sight; ``window.ready`` is when ``start`` returned.
START_BELOW_THE_FOLD = """([payload, wait]) => {
  const spacer = document.createElement("div");
  spacer.style.height = "3000px";
  document.body.prepend(spacer);
  const host = document.getElementById("host");
  window.heads = [];
  new MutationObserver(() => {
    const h = host.querySelector(".heading");
    const last = window.heads[window.heads.length - 1];
    if (h && h.textContent && (!last || last[0] !== h.textContent)) window.heads.push([h.textContent, performance.now()]);
  }).observe(host, { subtree: true, childList: true, characterData: true });
  const settings = Object.assign({}, payload.settings, { fps: 24 });
  EmgmmPlayer.start(host, payload, { mode: "play", settings, sightWaitMs: wait ?? undefined })
    .then(() => { window.ready = performance.now(); });
}"""


@pytest.fixture(scope="module")
def small_payload():
    from emgmm import fit_em, sample
    from emgmm.viz import screens
    from tests.support.player_page import payload_of

    x, _ = sample(GMM([0.3, 0.5, 0.2], [-1.0, 1.5, 3.0], [0.5, 0.8, 0.4]), 400, rng=4)
    return payload_of(fit_em(x, 3, rng=0, max_iter=15), screens.data_view(x, 1), settings={"fps": 24})


@pytest.mark.parametrize("scrolled", [True, False])
def test_a_playback_out_of_sight_waits_for_its_charts_to_come_into_sight(browser, small_payload, scrolled):
    """Started below the fold, the player draws no frame (a person would not see it); brought
    into sight it plays from the first frame (its wait for sight set to a minute, so only
    the sight can have started it); never in sight, it plays after ``SIGHT_WAIT_MS`` anyway
    (a page scrolled away still plays to its end)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.set_content(player_page())
        page.wait_for_function("window.EmgmmPlayer", timeout=30_000)
        wait_ms = 60_000 if scrolled else page.evaluate("EmgmmPlayer.SIGHT_WAIT_MS")
        page.evaluate(START_BELOW_THE_FOLD, [small_payload, wait_ms if scrolled else None])
        page.wait_for_function("window.ready !== undefined", timeout=30_000)
        page.wait_for_timeout(500)
        assert page.evaluate("window.heads") == []
        if scrolled:
            page.evaluate(
                "window.seenAt = performance.now(); document.getElementById('host').scrollIntoView()"
            )
        page.wait_for_function("window.heads.length >= 3", timeout=30_000)
        heads = page.evaluate("window.heads")
        assert [h.split(":")[0] for h, _ in heads[:3]] == ["Iteration 0", "Iteration 1", "Iteration 2"]
        waited = heads[0][1] - page.evaluate("window.ready")
        if scrolled:
            assert heads[0][1] >= page.evaluate("window.seenAt") and waited < wait_ms
        else:
            assert (
                waited >= wait_ms - 50
            )  # a timer fires no earlier than asked; 50 ms: the clocks' reading apart
    finally:
        page.close()
