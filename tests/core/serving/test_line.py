"""The cluster's one training line: places claimed, renewed, given back, lapsed."""

from mnist_core.serving.line import LEASE_SECONDS, TrainingLine
from tests.support.fakes import FakeClock


def test_one_address_gets_its_share_whichever_replica_asks():
    line = TrainingLine()
    # Issue #37: one address got a training on each replica.
    assert line.claim("a", "session-on-1", "203.0.113.7", 5, 1) is None
    refusal = line.claim("b", "session-on-2", "203.0.113.7", 5, 1)
    assert refusal is not None and "Your connection already has" in str(refusal)


def test_the_line_is_one_for_every_replica():
    line = TrainingLine()
    for n in range(5):
        assert line.claim(f"j{n}", f"s{n}", f"10.0.0.{n}", 5, 1) is None
    refusal = line.claim("late", "s9", "10.0.0.9", 5, 1)
    assert "The training line is full: 5" in str(refusal)
    line.release("j0")
    assert line.claim("late", "s9", "10.0.0.9", 5, 1) is None


def test_a_class_has_places_of_its_own_on_every_replica():
    line = TrainingLine()
    for n in range(5):
        assert line.claim(f"v{n}", f"s{n}", f"10.0.0.{n}", 5, 1) is None
    for n in range(30):  # the pupils of one school address
        assert line.claim(f"p{n}", f"person-{n}", "", 30, 1, "class") is None
    assert "full: 30" in str(line.claim("p99", "person-99", "", 30, 1, "class"))
    assert "full: 5" in str(line.claim("v9", "s9", "10.0.0.9", 5, 1))


def test_one_person_holds_one_place():
    line = TrainingLine()
    assert line.claim("a", "me", "", 5, 1) is None
    assert "already have a training" in str(line.claim("b", "me", "", 5, 1))


def test_a_dead_replicas_places_lapse_and_renewed_ones_stay():
    clock = FakeClock()
    line = TrainingLine(clock)
    line.claim("kept", "s1", "10.0.0.1", 5, 1)
    line.claim("dead", "s2", "10.0.0.2", 5, 1)
    for _ in range(4):
        clock.now += LEASE_SECONDS / 2
        line.renew(["kept"])
    assert line.size() == 1
    assert line.claim("again", "s3", "10.0.0.2", 5, 1) is None
