from mnist_core.serving.attempts import SWEEP_EVERY, Attempts


def test_an_address_gets_its_tries_then_waits_for_the_window():
    now = [0.0]
    attempts = Attempts(limit=3, window=60, clock=lambda: now[0])
    assert [attempts.allow("a") for _ in range(4)] == [True, True, True, False]
    assert attempts.allow("b")  # another address has its own
    now[0] = 59.0
    assert not attempts.allow("a")
    now[0] = 60.5
    assert attempts.allow("a")


def test_addresses_that_stopped_trying_are_forgotten():
    now = [0.0]
    attempts = Attempts(limit=1, window=10, clock=lambda: now[0])
    for number in range(SWEEP_EVERY - 1):
        attempts.allow(f"address-{number}")
    now[0] = 100.0
    attempts.allow("late")
    assert len(attempts._tries) == 1
