"""The playback payload's specs, as the browser's player draws them."""

from __future__ import annotations

from emgmm import GMM, fit_em, sample
from emgmm.viz import screens
from tests.support.player_page import payload_of


def test_every_spec_the_player_draws_leaves_out_the_marks_aria_descriptions():
    """The player draws on a canvas, where Vega-Lite's ARIA description of each mark is
    never shown, yet formatted for every point of every frame: every template, the bound's
    included, says ``aria: false`` and keeps the rest of its config."""
    x, _ = sample(GMM([0.4, 0.6], [-1.0, 2.0], [0.5, 0.8]), 300, rng=2)
    history = fit_em(x, 2, rng=0, max_iter=5)
    view = screens.data_view(x, 1)
    made = payload_of(history, view, screens.y_ceiling(view, []), data=(x, None))
    specs = {**made["templates"], "bound": made["bound"]["template"]}
    assert set(specs) == {"top", "panel", "strip", "strip_uncertainty", "paths", "loglik", "bound"}
    for name, spec in specs.items():
        assert spec["config"]["aria"] is False, name
    # Altair's own config stays
    assert made["templates"]["top"]["config"]["view"] == {"continuousWidth": 300, "continuousHeight": 300}
