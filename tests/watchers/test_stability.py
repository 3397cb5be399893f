"""The stability tracker: a file is released only once its (size, mtime) stopped changing."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from watchers.stability import StabilityTracker

SETTLE = 2.0
A = Path("partage/Camille/a.pdf")
B = Path("partage/Camille/b.pdf")


class FakeClock:
    """Monotonic seconds that only move when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def tracker() -> tuple[StabilityTracker, FakeClock]:
    clock = FakeClock()
    return StabilityTracker(SETTLE, clock), clock


def test_a_new_path_is_not_ready_before_the_settle_time() -> None:
    t, clock = tracker()
    t.observe(A, 10, 1)
    clock.now += SETTLE - 0.01
    assert t.ready() == [] and t.pending() == 1


def test_a_path_unchanged_for_the_settle_time_is_ready_once() -> None:
    t, clock = tracker()
    t.observe(A, 10, 1)
    clock.now += SETTLE
    assert t.ready() == [A]
    t.observe(A, 10, 1)
    clock.now += 10 * SETTLE
    assert t.ready() == [] and t.pending() == 0


def test_a_change_restarts_the_timer() -> None:
    t, clock = tracker()
    t.observe(A, 10, 1)
    clock.now += SETTLE - 0.5
    t.observe(A, 20, 2)
    clock.now += SETTLE - 0.5
    assert t.ready() == []
    clock.now += 0.5
    assert t.ready() == [A]


def test_a_released_path_that_changes_is_released_again() -> None:
    t, clock = tracker()
    t.observe(A, 10, 1)
    clock.now += SETTLE
    assert t.ready() == [A]
    t.observe(A, 10, 2)  # same size, new mtime: rewritten
    clock.now += SETTLE
    assert t.ready() == [A]


def test_a_forgotten_path_is_never_ready() -> None:
    t, clock = tracker()
    t.observe(A, 10, 1)
    t.forget(A)
    clock.now += SETTLE
    assert t.ready() == [] and t.pending() == 0 and t.tracked() == []


def test_next_deadline_is_the_earliest_pending_settle_time() -> None:
    t, clock = tracker()
    assert t.next_deadline() is None
    t.observe(A, 1, 1)
    clock.now += 0.5
    t.observe(B, 1, 1)
    assert t.next_deadline() == 100.0 + SETTLE
    clock.now += SETTLE
    t.ready()
    assert t.next_deadline() is None


@given(st.lists(st.floats(min_value=0.0, max_value=SETTLE * 0.99), min_size=1, max_size=50))
def test_a_path_whose_stat_keeps_changing_is_never_ready(gaps: list[float]) -> None:
    t, clock = tracker()
    for i, gap in enumerate(gaps):
        t.observe(A, i, i)
        clock.now += gap
        assert t.ready() == []


@given(
    st.integers(min_value=0, max_value=2**40),
    st.integers(min_value=0, max_value=2**62),
    st.lists(st.floats(min_value=0.0, max_value=3 * SETTLE), min_size=1, max_size=30),
)
def test_a_path_observed_unchanged_past_the_settle_time_is_ready_exactly_once(
    size: int, mtime_ns: int, gaps: list[float]
) -> None:
    t, clock = tracker()
    t.observe(A, size, mtime_ns)
    released = []
    for gap in gaps:
        clock.now += gap
        t.observe(A, size, mtime_ns)
        released += t.ready()
    clock.now += SETTLE
    released += t.ready()
    assert released == [A]


# One step: (path index, stat index) observed, then the clock moves, then ready() is asked.
STEPS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 2), st.floats(0.0, 1.5 * SETTLE)), max_size=60
)


@given(STEPS)
def test_released_paths_had_settled_and_are_never_released_twice_without_a_change(
    steps: list[tuple[int, int, float]],
) -> None:
    t, clock = tracker()
    paths = [Path(f"f{i}.pdf") for i in range(3)]
    last: dict[Path, tuple[int, float]] = {}  # path -> (stat, when it changed)
    released_since_change: set[Path] = set()
    for p, s, gap in steps:
        path = paths[p]
        if path not in last or last[path][0] != s:
            last[path] = (s, clock.now)
            released_since_change.discard(path)
        t.observe(path, s, s)
        clock.now += gap
        for ready in t.ready():
            assert clock.now - last[ready][1] >= SETTLE
            assert ready not in released_since_change
            released_since_change.add(ready)
    # Liveness: every path unchanged for long enough has been released.
    clock.now += SETTLE
    t.ready()
    assert t.pending() == 0
