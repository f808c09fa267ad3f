"""The session side of kept work: whether a person is still here, and whose
training a new session of theirs picks up."""

from app_ui.kept import Presence
from mnist_core.serving.jobs import JobState, TrainingJob
from tests.support.configs import QUICK


def test_a_new_session_finds_the_persons_unfinished_training_only():
    presence = Presence()
    job = TrainingJob(QUICK, owner="person-1")
    presence.track(1, job)
    assert presence.job_of(1) is job and presence.job_of(2) is None
    job.state = JobState.DONE
    assert presence.job_of(1) is None


def test_erasing_my_work_removes_it_and_says_so(page):
    from app_ui.kept import IDENTITY, get_store

    store = get_store()
    me = store.people.create()
    store.work.add_run(me.person, {"run": 1})
    at = page("home", **{IDENTITY: me})
    next(b for b in at.button if b.label == "Erase my work").click().run()
    assert not at.exception
    assert store.people.by_key(me.key) is None
    assert at.session_state[IDENTITY] is None
    assert [t.value for t in at.toast] == ["Your work is erased from this server."]
