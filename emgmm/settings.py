"""The dashboard's settings: names, defaults, bounds and help, and their URL form.

Kept free of Streamlit so the parsing of shared links is tested on its own: every
setting round-trips through ``to_query`` and ``from_query``, and a malformed or
out-of-range value falls back to its default with a warning that names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .datasets import EXAMPLES
from .initialization import INIT_METHODS

SOURCES = ("random", "example", "upload", "paste")
SOURCE_LABELS = {
    "random": "Random mixture",
    "example": "Example data set",
    "upload": "Upload CSV",
    "paste": "Paste numbers",
}
INIT_LABELS = {"kmeans++": "k-means++", "quantile": "quantile", "random": "random (original demo)"}


@dataclass(frozen=True)
class Control:
    """One setting: its URL/state key, label, kind ("int", "float", "bool", "choice"),
    default, bounds or choices, and the help text shown beside its widget."""

    key: str
    label: str
    kind: str
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    help: str = ""


CONTROLS = (
    Control("source", "Data", "choice", "random", choices=SOURCES, help="Where the data comes from."),
    Control("example", "Example data set", "choice", "old_faithful", choices=tuple(EXAMPLES), help="A classic 1-D data set shipped with the app."),
    Control("n_real", "True components", "int", 5, 1, 10, help="Components of the random mixture that generates the data (-r)."),
    Control("spread", "Spread", "float", 1.5, 0.1, 10.0, help="SD of the true component means: larger spreads separate the components (-s)."),
    Control("n_points", "Points", "int", 2000, 10, 1_000_000, help="Number of data points to draw (-p)."),
    Control("seed", "Seed", "int", 1, 0, 2**31 - 1, help="Random seed: the same seed gives the same data and the same fit."),
    Control("n_fit", "Fitted components", "int", 5, 1, 10, help="Components of the mixture EM fits (-f)."),
    Control("max_iter", "Max iterations", "int", 300, 1, 1000, help="EM stops after this many iterations if it has not converged (-i)."),
    Control("init", "Start", "choice", "kmeans++", choices=INIT_METHODS, help="How EM starts: k-means++ seeding, data quantiles, or the original demo's start (means in [0, 1), sd 1)."),
    Control("n_init", "Restarts", "int", 1, 1, 10, help="Number of starts; the fit with the best log-likelihood is shown."),
    Control("tied", "Tied sds", "bool", False, help="All components share one standard deviation."),
    Control("every", "Show every n-th iteration", "int", 1, 1, 50, help="Playback shows every n-th iteration as a frame, always the first and the last (-a)."),
    Control("fps", "Frames per second", "int", 8, 1, 30, help="Playback speed."),
)
BY_KEY = {c.key: c for c in CONTROLS}


def defaults() -> dict:
    """Every setting at its default."""
    return {c.key: c.default for c in CONTROLS}


def _parse(control: Control, text: str):
    """The value of ``text`` for ``control``, or raise ValueError saying what is expected."""
    if control.kind == "choice":
        if text not in control.choices:
            raise ValueError(f"one of {', '.join(control.choices)}")
        return text
    if control.kind == "bool":
        if text.lower() not in ("true", "false", "1", "0"):
            raise ValueError("true or false")
        return text.lower() in ("true", "1")
    kind = int if control.kind == "int" else float
    expected = f"{'an integer' if kind is int else 'a number'} from {control.low:,} to {control.high:,}"
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(expected) from None
    if not (control.low <= value <= control.high):  # also false for NaN
        raise ValueError(expected)
    return value


def from_query(query: dict[str, str]) -> tuple[dict, list[str]]:
    """Settings from URL query parameters, and a warning for each one refused.

    Unknown parameters are ignored; a missing one takes its default.
    """
    values, warnings = defaults(), []
    for key, text in query.items():
        control = BY_KEY.get(key)
        if control is None:
            continue
        try:
            values[key] = _parse(control, str(text).strip())
        except ValueError as err:
            shown = str(text) if len(str(text)) <= 40 else str(text)[:40] + "..."
            warnings.append(
                f"Link setting '{key}' = '{shown}' is not valid (expected {err}); "
                f"using the default, {control.default}."
            )
    return values, warnings


def to_query(values: dict) -> dict[str, str]:
    """URL query parameters for the settings that differ from their defaults."""
    out = {}
    for control in CONTROLS:
        value = values.get(control.key, control.default)
        if value != control.default:
            out[control.key] = str(value).lower() if control.kind == "bool" else str(value)
    return out
