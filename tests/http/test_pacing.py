"""Pacing with a virtual clock: spacing between requests, and holds across threads."""

from __future__ import annotations

import itertools
import threading

import pytest

from syncd.http import Pacer, PacerRegistry
from tests.http.fakes import VirtualClock


def _run_threads(clock: VirtualClock, *bodies: object) -> None:
    errors: list[BaseException] = []

    def wrap(body: object) -> None:
        try:
            body()  # type: ignore[operator]
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            clock.leave()

    threads = [threading.Thread(target=wrap, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)


def test_two_threads_never_send_closer_than_the_interval() -> None:
    clock = VirtualClock(participants=2)
    pacer = Pacer(clock, min_interval=1.0)
    times: list[float] = []
    lock = threading.Lock()

    def sender() -> None:
        for _ in range(5):
            pacer.acquire()
            with lock:
                times.append(clock.monotonic())

    _run_threads(clock, sender, sender)
    times.sort()
    assert len(times) == 10
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0 - 1e-9
    # Reserved slots keep the line moving: ten requests in nine intervals, not more.
    assert times[-1] - times[0] == pytest.approx(9.0)


def test_a_hold_stops_every_thread_until_it_has_passed() -> None:
    clock = VirtualClock(participants=2)
    pacer = Pacer(clock)
    pacer.hold(30.0)
    times: list[float] = []
    lock = threading.Lock()

    def sender() -> None:
        for _ in range(3):
            pacer.acquire()
            with lock:
                times.append(clock.monotonic())

    _run_threads(clock, sender, sender)
    assert len(times) == 6
    assert min(times) >= 30.0


def test_a_hold_that_arrives_while_waiting_for_a_slot_is_honoured() -> None:
    clock = VirtualClock(participants=2)
    pacer = Pacer(clock, min_interval=5.0)
    sent: list[float] = []
    first_sent = threading.Event()

    def waiter() -> None:
        pacer.acquire()  # t=0
        first_sent.set()
        pacer.acquire()  # slot at t=5, but the hold below pushes it to t=40
        sent.append(clock.monotonic())

    def limiter() -> None:
        assert first_sent.wait(timeout=5)
        pacer.hold(40.0)

    _run_threads(clock, waiter, limiter)
    assert sent == [pytest.approx(40.0)]


def test_writes_are_spaced_by_their_own_interval() -> None:
    clock = VirtualClock()
    pacer = Pacer(clock, min_interval=0.1, min_write_interval=1.0)
    marks = []
    for write in (True, False, True, False):
        pacer.acquire(write=write)
        marks.append(round(clock.monotonic(), 6))
    assert marks == [0.0, 0.1, 1.0, 1.1]


def test_a_hold_is_extended_never_shortened() -> None:
    clock = VirtualClock()
    pacer = Pacer(clock)
    pacer.hold(10.0)
    pacer.hold(2.0)
    assert pacer.held_for() == pytest.approx(10.0)
    assert pacer.acquire() == pytest.approx(10.0)
    assert pacer.held_for() == 0.0


def test_the_registry_shares_one_pacer_per_service_and_host() -> None:
    registry = PacerRegistry(VirtualClock())
    assert registry.for_host("jira", "A.example") is registry.for_host("jira", "a.example")
    assert registry.for_host("jira", "a.example") is not registry.for_host("github", "a.example")
