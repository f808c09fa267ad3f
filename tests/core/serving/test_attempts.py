from mnist_core.serving.attempts import SWEEP_EVERY, Attempts


def test_an_address_is_blocked_after_its_misses_until_the_window_passes():
    now = [0.0]
    attempts = Attempts(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert not attempts.blocked("a")
        attempts.miss("a")
    assert attempts.blocked("a")
    assert not attempts.blocked("b")  # another address has its own
    now[0] = 59.0
    assert attempts.blocked("a")
    now[0] = 60.5
    assert not attempts.blocked("a")


def test_addresses_that_stopped_missing_are_forgotten():
    now = [0.0]
    attempts = Attempts(limit=1, window=10, clock=lambda: now[0])
    for number in range(SWEEP_EVERY - 1):
        attempts.miss(f"address-{number}")
    now[0] = 100.0
    attempts.miss("late")
    assert len(attempts._tries) == 1
