import dataclasses

import pytest

from emgmm.app import settings
from emgmm.app.settings import BY_KEY, CONTROLS, Settings


def test_defaults_are_the_original_demo_options():
    d = Settings()
    assert (d.n_real, d.n_fit, d.max_iter, d.spread, d.n_points, d.every) == (5, 5, 300, 1.5, 2000, 1)
    assert d.init == "kmeans++" and d.source == "random"


def test_settings_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().n_fit = 3  # type: ignore[misc]


def test_every_setting_round_trips_through_the_url():
    values = Settings(
        n_fit=3,
        spread=2.25,
        tied=True,
        noise=True,
        init="quantile",
        source="example",
        example="galaxies",
        seed=123456,
        fps=20,
        n_points=1_000_000,
    )
    query = values.to_query()
    assert all(isinstance(v, str) for v in query.values())
    parsed, refused = Settings.from_query(query)
    assert parsed == values and refused == []


def test_only_changed_settings_go_in_the_url():
    assert Settings().to_query() == {}
    assert Settings(n_fit=3).to_query() == {"n_fit": "3"}


@pytest.mark.parametrize("key", [c.key for c in CONTROLS])
@pytest.mark.parametrize(
    "junk",
    [
        "",
        "junk",
        "-1",
        "-5",
        "1e308",
        "1e999",
        "nan",
        "99999999999",
        "99999999999999999999",
        "%00",
        "<script>",
    ],
)
def test_malformed_link_values_fall_back_with_a_warning(key, junk):
    parsed, refused = Settings.from_query({key: junk})
    control = BY_KEY[key]
    if control.kind == "int" and junk == "-1" and control.low is not None and control.low <= -1:
        return
    assert getattr(parsed, key) == control.default
    assert len(refused) == 1 and refused[0].startswith(f"{key} = ") and "using" in refused[0]


def test_unknown_parameters_are_ignored():
    parsed, refused = Settings.from_query({"utm_source": "x"})
    assert parsed == Settings() and refused == []


def test_widget_values_are_coerced_to_the_settings_types():
    s = Settings.from_state({"n_fit": 3.0, "spread": 2, "tied": 1, "init": "quantile", "other": "x"})
    assert (s.n_fit, s.spread, s.tied, s.init) == (3, 2.0, True, "quantile")
    assert isinstance(s.n_fit, int) and isinstance(s.spread, float)


def test_keys_follow_what_the_data_and_the_fit_depend_on():
    base = Settings()
    assert base.data_key() != base.replace(seed=2).data_key()
    assert base.data_key() == base.replace(n_fit=3, fps=30).data_key()  # fit and playback settings
    assert base.fit_key(base.data_key()) != base.replace(n_fit=3).fit_key(base.data_key())
    assert base.fit_key(base.data_key()) == base.replace(fps=30, every=5).fit_key(base.data_key())
    example = base.replace(source="example")
    assert example.data_key() == example.replace(seed=9, n_points=10).data_key()
    paste = base.replace(source="paste")
    assert paste.data_key("abc") != paste.data_key("abd")


def test_bounds_match_the_issue():
    b = settings.BY_KEY
    assert (b["n_real"].low, b["n_real"].high, b["n_fit"].high, b["max_iter"].high) == (1, 10, 10, 1000)
    assert (b["spread"].low, b["spread"].high, b["n_points"].low, b["n_points"].high, b["every"].high) == (
        0.1,
        10,
        10,
        1_000_000,
        50,
    )


def test_every_start_has_a_label_people_read():
    """A start added to the engine (``hc``) needs its label: Explore starts names the start
    it runs and raised KeyError on one without."""
    from emgmm.app.text import INIT_LABELS

    assert set(BY_KEY["init"].choices) <= set(INIT_LABELS)


def test_the_noise_component_is_in_the_link_and_names_another_fit():
    """ "Noise component" travels in a link as ``noise=true`` and a noisy fit is not the plain one."""
    assert Settings(noise=True).to_query() == {"noise": "true"}
    assert Settings.from_query({"noise": "true"}) == (Settings(noise=True), [])
    data = ("example", "old_faithful")
    assert Settings(noise=True).fit_key(data) != Settings().fit_key(data)
