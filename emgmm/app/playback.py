"""The playback of a fit's iterations: a small pure state machine, the clock injected.

The rule it keeps: every frame of the chosen sequence is drawn, in order. Frames per
second is an upper bound, not a schedule: the clock for frame i + 1 starts when frame i
has been sent (``sent``), and a tick advances by at most one frame. A slow browser or a
busy server makes the playback take longer; it never skips a frame (Skip to the end is
always there).

Sent is not drawn: a browser that receives frame i + 1 while it still draws frame i
draws only the newer one. So each frame also waits for the browser's report that it
drew the frame on screen (``drawn``), up to ``REPORT_WAIT`` seconds: a report that
never comes must not stall the playback for ever. A page's reporter says it is there
(``heard``) as soon as it loads; until then the first frame waits up to
``FIRST_REPORT_WAIT`` for it, and a page that stays silent that long cannot report
(another origin, a blocked frame): it plays at the timer's pace from then on, unless a
report comes after all. The page asks this value what to draw and tells it what it sent
and what the browser drew; tests drive it with a fake clock.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

#: A tick advances once this fraction of a frame time has passed since the frame was
#: sent. Below 1 so that a timer firing a little early does not halve the rate; above
#: 1/2 so that two ticks close together never advance twice within one frame time.
MIN_GAP = 0.75

#: Seconds a frame waits for the browser's report that it drew the frame on screen: long,
#: since a busy browser may take a minute to draw one (20 pages playing in one headless
#: browser on 2 cores took over 60 s for some); a person can always press Skip to the end.
REPORT_WAIT = 300.0
#: Seconds between the page's timer ticks, at least: between reports, ticks do nothing.
FALLBACK_TICK = 0.5
#: Seconds the first frame waits for the page's reporter to say it is there: it loads
#: with the playback's first frame, which takes seconds on a busy browser (over 10 s with
#: 20 pages in one browser on 2 cores). Silent that long, the page is taken not to report.
FIRST_REPORT_WAIT = 60.0


def frame_iterations(n_iter: int, every: int) -> tuple[int, ...]:
    """Iterations shown as frames: every ``every``-th from 0, and always the last."""
    frames = list(range(0, n_iter + 1, max(1, every)))
    if frames[-1] != n_iter:
        frames.append(n_iter)
    return tuple(frames)


def half_step_frames(n_iter: int, every: int) -> tuple[int, ...]:
    """Frames of a playback that shows E- and M-steps apart, numbered as
    ``teaching.half_steps`` numbers them (0 the start, 2i - 1 the E-step and 2i the
    M-step of iteration i): the start, then both half-steps of each iteration that
    ``frame_iterations`` shows."""
    return (0, *(h for i in frame_iterations(n_iter, every)[1:] for h in (2 * i - 1, 2 * i)))


def iteration_of(frame: int, half_steps: bool) -> int:
    """The iteration whose parameters a frame draws: the frame itself, or for half-steps
    the iteration before an E-step (2i - 1 -> i - 1) and the iteration an M-step makes (2i -> i)."""
    return frame // 2 if half_steps else frame


def step_label(frame: int, half_steps: bool) -> str:
    """What a frame shows, for the counter: 'iteration 4', 'E-step 3', 'M-step 3' or 'the start'."""
    if not half_steps:
        return f"iteration {frame}"
    if frame == 0:
        return "the start"
    return f"{'E' if frame % 2 else 'M'}-step {(frame + 1) // 2}"


@dataclass(frozen=True)
class Playback:
    """Where a playback is, and whether it moves.

    Attributes
    ----------
    n_iter : int
        The fit's last iteration (frames run from 0 to it).
    every : int
        Show every ``every``-th iteration (and always the last).
    fps : float
        At most this many frames a second.
    iteration : int
        The iteration on screen (always one of ``frames``).
    playing : bool
    shown_at : float or None
        Clock time at which the current frame was sent; None until it has been.
    finished : bool
        The playback is over: the page shows the final view.
    reported : int or None
        The last iteration the browser reported drawn; None while it has reported none.
    half_steps : bool
        Show each iteration's E-step and M-step as two frames (``half_step_frames``);
        then ``iteration`` and ``reported`` count half-steps (2n for n iterations).
    listening : bool or None
        Whether the page reports what it draws: True once its reporter has said so (or
        reported a frame), False once it stayed silent for ``FIRST_REPORT_WAIT``, None
        until either.
    """

    n_iter: int
    every: int = 1
    fps: float = 8.0
    iteration: int = 0
    playing: bool = True
    shown_at: float | None = None
    finished: bool = False
    reported: int | None = None
    half_steps: bool = False
    listening: bool | None = None

    @property
    def frames(self) -> tuple[int, ...]:
        """The frames this playback shows, in order: iterations, or half-steps."""
        if self.half_steps:
            return half_step_frames(self.n_iter, self.every)
        return frame_iterations(self.n_iter, self.every)

    @property
    def position(self) -> int:
        """Index of the current frame in ``frames`` (0-based)."""
        return self.frames.index(self.iteration)

    @property
    def counter(self) -> str:
        """'Frame 3 of 41: iteration 2 of 40' (or 'E-step 2 of 40'), for the page."""
        label = step_label(self.iteration, self.half_steps)
        return f"Frame {self.position + 1} of {len(self.frames)}: {label} of {self.n_iter}"

    @property
    def frame_time(self) -> float:
        """Seconds per frame at ``fps``."""
        return 1.0 / self.fps

    def tick(self, now: float) -> Playback:
        """The state at clock time ``now``: the next frame once the current one has been
        on screen for a frame time (at most one step), or finished after the last."""
        if not self.playing or self.finished or self.shown_at is None:
            return self
        waited = now - self.shown_at
        if waited < MIN_GAP * self.frame_time:
            return self
        state = self
        if self.reported != self.iteration and self.listening is not False:
            if waited < (REPORT_WAIT if self.listening else FIRST_REPORT_WAIT):
                return self  # sent, not yet drawn: the next frame would replace it unseen
            if self.listening is None:  # silent since the first frame: cannot report
                state = dataclasses.replace(self, listening=False)
        if self.iteration == self.frames[-1]:
            return dataclasses.replace(state, playing=False, finished=True)
        return dataclasses.replace(state, iteration=self.frames[self.position + 1], shown_at=None)

    def due_in(self, now: float) -> float | None:
        """Seconds until ``tick`` would move on, once the browser has drawn the frame on
        screen; None while it has not (or nothing is due: paused, finished, not sent)."""
        if not self.playing or self.finished or self.shown_at is None or self.reported != self.iteration:
            return None
        return max(0.0, self.frame_time - (now - self.shown_at))  # a full frame time: fps is the bound

    @property
    def fallback_period(self) -> float:
        """How often the page should tick when no report comes: the reports drive the
        playback, the timer only starts it and covers a report that is lost."""
        return max(self.frame_time, FALLBACK_TICK)

    def sent(self, now: float) -> Playback:
        """The current frame has been sent at ``now``: its frame time starts."""
        return self if self.shown_at is not None else dataclasses.replace(self, shown_at=now)

    def heard(self) -> Playback:
        """The page's reporter says it is there: every frame waits for its report."""
        return self if self.listening else dataclasses.replace(self, listening=True)

    def drawn(self, iteration: int) -> Playback:
        """The browser reports it drew ``iteration``."""
        heard = self.heard()
        return heard if iteration == self.reported else dataclasses.replace(heard, reported=iteration)

    def play(self) -> Playback:
        """Play from the current frame; from the start when at the last frame."""
        start = self.frames[0] if self.iteration == self.frames[-1] else self.iteration
        return dataclasses.replace(self, iteration=start, playing=True, finished=False, shown_at=None)

    def pause(self) -> Playback:
        """Stop on the current frame."""
        return dataclasses.replace(self, playing=False)

    def step(self, delta: int) -> Playback:
        """Pause and move ``delta`` frames (clamped to the first and last)."""
        index = min(max(self.position + delta, 0), len(self.frames) - 1)
        return dataclasses.replace(self, iteration=self.frames[index], playing=False, shown_at=None)

    def skip_to_end(self) -> Playback:
        """Stop and show the final view."""
        return dataclasses.replace(self, iteration=self.frames[-1], playing=False, finished=True)

    def replay(self) -> Playback:
        """Play again from iteration 0."""
        return dataclasses.replace(self, iteration=0, playing=True, finished=False, shown_at=None)

    def with_fps(self, fps: float) -> Playback:
        """A new rate, from the current frame on: the next frame is due a frame time at
        the new rate after the current one was sent."""
        if fps <= 0:
            raise ValueError(f"fps: must be > 0, got {fps}.")
        return self if fps == self.fps else dataclasses.replace(self, fps=float(fps))

    def with_every(self, every: int) -> Playback:
        """A new step between frames, continuing from the nearest frame at or before the
        current iteration."""
        if every < 1:
            raise ValueError(f"every: must be at least 1, got {every}.")
        if every == self.every:
            return self
        return self._moved_to(dataclasses.replace(self, every=every), self.iteration)

    def with_half_steps(self, half_steps: bool) -> Playback:
        """Show E- and M-steps apart, or not, continuing from the frame at or before the
        iteration on screen (an M-step is its iteration; an E-step the one before)."""
        if half_steps == self.half_steps:
            return self
        iteration = iteration_of(self.iteration, self.half_steps)
        target = 2 * iteration if half_steps else iteration
        reported = None if self.reported is None else 2 * iteration_of(self.reported, self.half_steps)
        changed = dataclasses.replace(self, half_steps=half_steps, reported=reported if half_steps else None)
        return self._moved_to(changed, target, force=True)

    def _moved_to(self, state: Playback, target: int, force: bool = False) -> Playback:
        """``state`` on the nearest of its frames at or before ``target``; its frame time
        starts again when it moved (or when ``force``: the frame on screen changed kind)."""
        nearest = max(f for f in state.frames if f <= target)
        moved = force or nearest != self.iteration
        return dataclasses.replace(state, iteration=nearest, shown_at=None if moved else self.shown_at)
