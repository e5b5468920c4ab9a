import pytest

from emgmm import settings


def test_defaults_are_the_original_demo_options():
    d = settings.defaults()
    assert (d["n_real"], d["n_fit"], d["max_iter"], d["spread"], d["n_points"], d["every"]) == (5, 5, 300, 1.5, 2000, 1)
    assert d["init"] == "kmeans++" and d["source"] == "random"


def test_every_setting_round_trips_through_the_url():
    values = settings.defaults() | {"n_fit": 3, "spread": 2.25, "tied": True, "init": "quantile", "source": "example",
                                    "example": "galaxies", "seed": 123456, "fps": 20, "n_points": 1_000_000}
    query = settings.to_query(values)
    assert all(isinstance(v, str) for v in query.values())
    parsed, warnings = settings.from_query(query)
    assert parsed == values and warnings == []


@pytest.mark.parametrize("key", [c.key for c in settings.CONTROLS])
@pytest.mark.parametrize("junk", ["", "junk", "-1", "1e999", "nan", "99999999999", "<script>"])
def test_malformed_link_values_fall_back_with_a_warning(key, junk):
    parsed, warnings = settings.from_query({key: junk})
    control = settings.BY_KEY[key]
    if control.kind == "int" and junk == "-1" and control.low <= -1:
        return
    assert parsed[key] == control.default
    assert len(warnings) == 1 and f"'{key}'" in warnings[0] and "default" in warnings[0]


def test_unknown_parameters_are_ignored():
    parsed, warnings = settings.from_query({"utm_source": "x"})
    assert parsed == settings.defaults() and warnings == []


def test_bounds_match_the_issue():
    b = settings.BY_KEY
    assert (b["n_real"].low, b["n_real"].high, b["n_fit"].high, b["max_iter"].high) == (1, 10, 10, 1000)
    assert (b["spread"].low, b["spread"].high, b["n_points"].low, b["n_points"].high, b["every"].high) == (0.1, 10, 10, 1_000_000, 50)
