"""mclust's noise component on the page (AppTest): the Fit option and its link, a noisy fit
played and shown in the final view with every analysis, and an outlier given to the noise."""

from __future__ import annotations

import numpy as np
import pytest

from emgmm.app.text import without_noise
from emgmm.model import GMM
from emgmm.noise import noisy_mixture
from emgmm.viz import shown
from tests.support.apptest import button, charts_of, fit, no_exception, player_args, skip_to_end, start

pytestmark = pytest.mark.slow  # each test runs the whole page (AppTest)

#: Two clusters and one typo: 250 points near -3 and 3, and 95.
RNG = np.random.default_rng(4)
CLUSTERS = np.concatenate([RNG.normal(-3, 1, 125), RNG.normal(3, 1, 125)])
OUTLIER_DATA = " ".join(f"{v:.5f}" for v in [*CLUSTERS, 95.0])
#: The typo far enough out to set the range (``scaling.outlier_dominates``): the final view's note.
FAR_OUTLIER_DATA = " ".join(f"{v:.5f}" for v in [*CLUSTERS, 95_000.0])


def noisy_final_view(query: dict[str, str] | None = None, data: str = OUTLIER_DATA):
    """A fit of ``OUTLIER_DATA`` with K = 2 and (by default) the noise, at its final view.
    Started at the quantiles: a k-means++ seed on the typo (seed 1 draws one) puts a Gaussian
    on that single point, a spike the noise cannot outbid (mclust cleans its start first)."""
    at = start({"source": "paste", "n_fit": "2", "noise": "true", "init": "quantile", **(query or {})})
    at.text_area(key="paste").set_value(data).run()
    skip_to_end(fit(at))
    no_exception(at)
    return at


def test_the_noise_toggle_is_a_fit_option_carried_by_the_link():
    at = start()
    assert at.toggle(key="noise").value is False and "noise" not in at.query_params
    at.toggle(key="noise").set_value(True).run()
    no_exception(at)
    assert at.query_params["noise"] in ("true", ["true"])
    linked = start({"noise": "true"})
    assert linked.toggle(key="noise").value is True and not linked.warning
    assert "uniform" in linked.toggle(key="noise").help and "mclust" in linked.toggle(key="noise").help


def test_an_outlier_goes_to_the_noise_which_the_player_and_the_final_view_draw_flat():
    at = noisy_final_view()
    payload = player_args(at)["payload"]
    assert payload["noise"] == {"low": min(float(v) for v in OUTLIER_DATA.split()), "high": 95.0}
    assert payload["numbers"] == [0, 1, 2] and payload["k"] == 3 and payload["colours"][0] == "#A6A6B0"
    # the final table: the noise by name holds the typo, each Gaussian a cluster
    table = next(d.value for d in at.dataframe if "points, N_i" in d.value.columns)
    assert list(table["component"]) == ["noise", "C1", "C2"]
    points = dict(zip(table["component"], table["points, N_i"], strict=True))
    assert points["noise"] == pytest.approx(1.0, abs=0.3)  # the typo, and a sliver of the tails
    assert sorted(table["sd"].iloc[1:]) == pytest.approx([1.0, 1.0], abs=0.25)  # the typo widens neither
    assert payload["models"]["weights"][-1][0] * 251 == pytest.approx(
        points["noise"], rel=1e-4
    )  # one E-step on
    # the typo's own share, as the player computes it from the last frame's parameters
    models = payload["models"]
    last = noisy_mixture(
        GMM(*(np.asarray(models[p][-1]) for p in ("weights", "means", "sds"))), **payload["noise"]
    )
    assert shown.shown_classes(last, [95.0, -3.0, 3.0]).tolist() == [0, 1, 2]
    assert shown.shown_responsibilities(last, [95.0])[0, 0] > 0.999
    # the final charts: the noise a row with its range, drawn flat, and said so
    components = next(s for s in charts_of(at) if "components p(x|y)" in str(s.get("title")))
    assert "components p(x|y) p(y), the noise flat" in str(components["title"])
    assert any("mclust's noise component: a uniform density from" in c.value for c in at.caption)


def test_without_the_noise_the_outlier_note_offers_it():
    at = noisy_final_view({"noise": "false"}, FAR_OUTLIER_DATA)
    assert any("tick **Noise component** under Fit options" in i.value for i in at.info)
    assert player_args(at)["payload"]["noise"] is None
    noisy = noisy_final_view({}, FAR_OUTLIER_DATA)
    assert not any("Noise component" in i.value for i in noisy.info)  # it does not offer what is on
    assert player_args(noisy)["payload"]["noise"]["high"] == 95_000.0


def test_a_noisy_fits_analyses_open_without_exception_and_say_what_they_use():
    at = noisy_final_view({"max_iter": "60"})
    captions = " ".join(c.value for c in at.caption)
    for what in ("The goodness of fit", "The bootstrap", "The bound"):
        assert without_noise(what) in captions
    assert "Hard against soft compares plain fits" in captions
    at.text_area(key="classify_paste").set_value("-3 0.5 3 40").run()
    no_exception(at)
    assert without_noise("Classifying new values") in " ".join(c.value for c in at.caption)
    assert "The fit on screen has mclust's noise component" in captions  # the algorithm's numbers
    assert "The starts fit Gaussians without a noise component." in captions
    at.number_input(key="n_boot").set_value(20).run()
    button(at, "Run the bootstrap").click().run()
    no_exception(at)
    summary = next(d.value for d in at.dataframe if "standard error" in d.value.columns)
    assert set(summary["component"]) == {"C1", "C2"}  # the Gaussians', refitted
    button(at, "Compute BIC, AIC and ICL").click().run()
    no_exception(at)
    assert "each K is K Gaussians and the noise" in " ".join(c.value for c in at.caption)
    at.number_input(key="n_starts").set_value(3).run()
    button(at, "Run 3 starts").click().run()
    no_exception(at)
    for expander in at.expander:  # every expander's content is drawn: none raised
        assert expander.label
    no_exception(at)
