"""The dashboard's settings: a typed value, the spec of each control, and the URL form
(free of Streamlit, tested on its own: every setting round-trips through ``to_query`` and
``from_query``; a malformed or out-of-range value falls back to its default, named)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..datasets import EXAMPLES
from ..initialization import INIT_METHODS
from ..io.numbers import bound_text, read_number
from ..viz.frames import COLOUR_BY
from .custom import decode_start

#: The start a person sets: a choice of the page's, beside the engine's ``INIT_METHODS``.
CUSTOM = "custom"

SOURCES = ("random", "example", "upload", "paste")

NOISE_HELP = (
    "mclust's noise: a uniform density over the data's range as component 0, with its own weight, so a "
    "few outliers (a typo, a glitch) go to it instead of bending or widening a Gaussian."
)


@dataclass(frozen=True)
class Settings:
    """Every sidebar setting, with the original demo's defaults (its option in brackets)."""

    source: str = "random"
    example: str = "old_faithful"
    n_real: int = 5  # -r
    spread: float = 1.5  # -s
    n_points: int = 2000  # -p
    seed: int = 1
    n_fit: int = 5  # -f
    max_iter: int = 300  # -i
    init: str = "kmeans++"
    n_init: int = 1
    tied: bool = False
    prior: bool = False  # mclust's conjugate prior (MAP EM)
    noise: bool = False  # mclust's noise component: a uniform over the data's range
    tol: float = 1e-8  # --tol
    every: int = 1  # -a
    fps: int = 8
    bins: int = 50
    half_steps: bool = False
    colour_by: str = "component"
    start: str = ""  # init "custom": the start, as custom.encode_start writes it

    @classmethod
    def from_query(cls, query: Mapping[str, object]) -> tuple[Settings, list[str]]:
        """Settings from URL query parameters, and the bad values refused.

        Unknown parameters are ignored; a missing or refused one takes its default.
        Each refusal is one short line naming the parameter, the value and what is expected.
        """
        values: dict[str, Any] = {}
        refused = []
        for key, text in query.items():
            control = BY_KEY.get(key)
            if control is None:
                continue
            try:
                values[key] = control.parse(str(text).strip())
            except ValueError as err:
                shown = str(text) if len(str(text)) <= 40 else str(text)[:40] + "..."
                refused.append(f"{key} = '{shown}' (expected {err}; using {control.default})")
        return cls(**values), refused

    @classmethod
    def from_state(cls, state: Mapping[str, Any] | Any) -> Settings:
        """Settings from the widgets' values (missing keys take their defaults)."""
        return cls(**{c.key: c.coerce(state[c.key]) for c in CONTROLS if c.key in state})

    def to_query(self) -> dict[str, str]:
        """URL query parameters for the settings that differ from their defaults."""
        return {c.key: c.format(getattr(self, c.key)) for c in CONTROLS if getattr(self, c.key) != c.default}

    def as_dict(self) -> dict[str, Any]:
        """Every setting by name."""
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``."""
        return dataclasses.replace(self, **changes)

    def data_key(self, content: str = "") -> tuple[object, ...]:
        """What names the data these settings describe; ``content`` identifies an upload's
        file and column, or a paste's text, for those sources."""
        if self.source == "random":
            return ("random", self.n_real, self.spread, self.n_points, self.seed)
        if self.source == "example":
            return ("example", self.example)
        return (self.source, content)

    def fit_key(self, data_key: tuple[object, ...]) -> tuple[object, ...]:
        """What names a fit of that data: every setting the fit depends on."""
        start = self.start if self.init == CUSTOM else ""
        return (*data_key, *(getattr(self, key) for key in FIT_KEYS), start)


#: The settings a fit depends on, besides its data and your own start (``fit_key``).
FIT_KEYS = ("n_fit", "max_iter", "init", "n_init", "tied", "prior", "noise", "tol", "seed")


DEFAULTS = Settings()


@dataclass(frozen=True)
class Control:
    """One setting's widget: its key (a ``Settings`` field and the URL parameter), label,
    kind ("int", "float", "bool", "choice"), bounds or choices, and help text."""

    key: str
    label: str
    kind: str
    low: float = 0.0  # bounds: numeric controls only
    high: float = 0.0
    choices: tuple[str, ...] = ()
    help: str = ""
    typed: bool = False  # drawn as a text box (a number person types, like 1e6), not a stepper

    @property
    def default(self) -> Any:
        """The setting's default (``Settings``' field)."""
        return getattr(DEFAULTS, self.key)

    def coerce(self, value: Any) -> Any:
        """A widget's value as the setting's type."""
        if self.kind == "int":
            return int(value)
        if self.kind == "float":
            return float(value)
        if self.kind == "bool":
            return bool(value)
        return str(value)

    def checked(self, value: Any) -> Any:
        """``value`` (from the browser's player) as the setting's type, by the link's rules:
        ValueError when it is outside the setting's bounds or choices."""
        return self.parse(self.format(self.coerce(value)))

    def parse(self, text: str) -> Any:
        """The value of ``text`` from a URL, or raise ValueError saying what is expected."""
        if self.kind == "choice":
            if text not in self.choices:
                raise ValueError(f"one of {', '.join(self.choices)}")
            return text
        if self.kind == "text":
            decode_start(text)  # what a link carries is checked here, once
            return text
        if self.kind == "bool":
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError("true or false")
            return text.lower() in ("true", "1")
        whole = self.kind == "int"
        expected = f"{'a whole number' if whole else 'a number'} from {bound_text(self.low)} to {bound_text(self.high)}"
        try:
            value = read_number(text, whole)
        except ValueError:
            raise ValueError(expected) from None
        if not (self.low <= value <= self.high):
            raise ValueError(expected)
        return int(value) if whole else value

    def shown(self, value: Any) -> str:
        """``value`` as a typed control shows it: digit groups for whole numbers."""
        return f"{value:,}" if self.kind == "int" else f"{value:g}"

    def format(self, value: Any) -> str:
        """The URL form of ``value``."""
        return str(value).lower() if self.kind == "bool" else str(value)


CONTROLS = (
    Control("source", "Data", "choice", choices=SOURCES, help="Where the data comes from."),
    Control(
        "example",
        "Example data set",
        "choice",
        choices=tuple(EXAMPLES),
        help="A classic 1-D data set shipped with the app.",
    ),
    Control(
        "n_real",
        "True components",
        "int",
        1,
        10,
        help="Components of the random mixture that generates the data (-r).",
    ),
    Control(
        "spread",
        "Spread",
        "float",
        0.1,
        10.0,
        help="SD of the true component means: larger spreads separate the components (-s).",
    ),
    Control(
        "n_points",
        "Points",
        "int",
        10,
        1_000_000,
        help="Number of data points to draw (-p), from 10 to 1,000,000: 2000, 2,000 and 2e3 all work.",
        typed=True,
    ),
    Control(
        "seed",
        "Seed",
        "int",
        0,
        2**31 - 1,
        help="Random seed: the same seed gives the same data and the same fit.",
    ),
    Control("n_fit", "Fitted components", "int", 1, 10, help="Components of the mixture EM fits (-f)."),
    Control(
        "max_iter",
        "Max iterations",
        "int",
        1,
        1000,
        help="EM stops after this many iterations if it has not converged (-i).",
    ),
    Control(
        "init",
        "Start",
        "choice",
        choices=(*INIT_METHODS, CUSTOM),
        help="How EM starts: k-means++ seeding, data quantiles, the original demo's start "
        "(means in [0, 1), sd 1), or your own: click the data to place the means, or edit the table.",
    ),
    Control(
        "n_init",
        "Restarts",
        "int",
        1,
        10,
        help="Number of starts; the fit with the best log-likelihood is shown (your own start is one start).",
    ),
    Control("tied", "Tied sds", "bool", help="All components share one standard deviation."),
    Control(
        "prior",
        "Prior (mclust's)",
        "bool",
        help="MAP EM with mclust's default conjugate prior: no component collapses onto a few points.",
    ),
    Control("noise", "Noise component", "bool", help=NOISE_HELP),
    Control(
        "tol",
        "Convergence tolerance",
        "float",
        0.0,
        1e-2,
        help="EM stops when the log-likelihood's relative gain falls below this (--tol).",
    ),
    Control(
        "every",
        "Show every n-th iteration",
        "int",
        1,
        50,
        help="Playback shows every n-th iteration as a frame, always the first and the last (-a).",
    ),
    Control(
        "fps",
        "Frames per second",
        "int",
        1,
        30,
        help="Playback speed, at most: every frame is drawn, so a slow browser plays slower.",
    ),
    Control("bins", "Histogram bins", "int", 5, 200, help="Bars of the data's histogram."),
    Control(
        "half_steps",
        "Show E- and M-steps",
        "bool",
        help="Two frames an iteration: the E-step (new responsibilities, same curves), then the "
        "M-step (new curves from them, the old ones faint).",
    ),
    Control(
        "colour_by",
        "Colour points by",
        "choice",
        choices=COLOUR_BY,
        help="Each point in the colour of its most responsible component, or by how unsure the "
        "model is of it: 1 - max_i r_ni.",
    ),
    Control("start", "Your start", "text", help="Your own start (weight:mean:sd per component)."),
)
BY_KEY = {c.key: c for c in CONTROLS}

# every field of Settings has exactly one control, and the reverse
assert [f.name for f in fields(Settings)] == [c.key for c in CONTROLS]
