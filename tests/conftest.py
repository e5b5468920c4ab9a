"""Randomness in the suite is fixed: hypothesis runs derandomized (the same examples on
every run, every machine), so a red run always means a change, never an unlucky draw.
``HYPOTHESIS_PROFILE=explore`` draws new examples, for hunting bugs by hand; add each
case it finds as an ``@example``."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fixed",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))
