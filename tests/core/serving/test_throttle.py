"""Runs take turns per session and per address; waits are bounded."""

import pytest

from mnist_core.serving.throttle import MAX_WAIT, Rate, RunThrottle, rate_from
from tests.support.fakes import FakeClock


def test_a_burst_runs_at_once_then_runs_wait_for_the_rate():
    clock = FakeClock(100.0)
    throttle = RunThrottle(Rate(5, 10), Rate(100, 100), clock)
    assert [throttle.wait("a") for _ in range(10)] == [0.0] * 10
    assert throttle.wait("a") == pytest.approx(0.2)


def test_a_steady_pace_within_the_rate_never_waits():
    clock = FakeClock(100.0)
    throttle = RunThrottle(Rate(5, 10), Rate(100, 100), clock)
    for _ in range(100):
        assert throttle.wait("a") == 0.0
        clock.now += 0.2


def test_a_flood_waits_at_most_max_wait_and_gets_no_more_than_its_rate():
    clock = FakeClock(100.0)
    throttle = RunThrottle(Rate(5, 10), Rate(1000, 1000), clock)
    ran = 0
    for _ in range(2000):  # 200 requests a second for 10 s
        if throttle.wait("flood") == 0.0:
            ran += 1
        clock.now += 0.005
    assert all(throttle.wait("flood") <= MAX_WAIT for _ in range(100))
    assert ran <= 5 * 10 + 10  # its rate and one burst, however it asks


def test_sessions_of_one_address_share_its_rate_and_others_do_not_wait():
    clock = FakeClock(100.0)
    throttle = RunThrottle(Rate(5, 10), Rate(20, 40), clock)
    for _ in range(10):  # 16 sessions, each at its own rate, one address
        for s in range(16):
            throttle.wait(f"attacker{s}", "203.0.113.7")
        clock.now += 0.2
    assert throttle.wait("attacker0", "203.0.113.7") > 0  # the address is full
    assert throttle.wait("victim", "198.51.100.2") == 0.0
    assert throttle.wait("local", "") == 0.0  # no address: its session only


def test_idle_buckets_are_forgotten():
    clock = FakeClock(100.0)
    throttle = RunThrottle(clock=clock)
    for s in range(1000):
        throttle.wait(f"s{s}", f"10.0.{s // 250}.{s % 250}")
    clock.now += 1000
    throttle.wait("later")
    assert len(throttle._due) == 1


@pytest.mark.parametrize("setting", [None, "", "x", "0", "-3", "nan"])
def test_a_setting_that_is_no_rate_keeps_the_default(setting):
    default = Rate(5, 10)
    assert rate_from(setting, default) == default


def test_an_operators_rate_is_taken_with_a_burst_of_two_seconds():
    assert rate_from("50", Rate(5, 10)) == Rate(50.0, 100)
