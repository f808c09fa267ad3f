from sqlalchemy import select

from mnist_core.store.people import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DAY,
    People,
    digest,
    shown_code,
)
from mnist_core.store.schema import browser_keys, people


def test_a_key_leads_back_to_its_person_and_nothing_else_does(store):
    me, other = store.people.create(), store.people.create()
    assert store.people.by_key(me.key) == me.person
    assert store.people.by_key(other.key) == other.person != me.person
    assert store.people.by_key(me.key[:-1] + "x") is None
    assert store.people.by_key("") is None


def test_only_digests_are_stored(store):
    me = store.people.create()
    with store.engine.connect() as db:
        keys = db.execute(select(browser_keys.c.key_digest)).scalars().all()
        codes = db.execute(select(people.c.code_digest)).scalars().all()
    assert keys == [digest(me.key)] and codes == [digest(me.code)]
    assert me.key not in keys and me.code not in codes


def test_a_code_typed_on_another_device_gives_that_device_its_own_key(store):
    me = store.people.create()
    typed = " " + shown_code(me.code).lower() + " "  # as a person might type it
    there = store.people.join_by_code(typed)
    assert there.person == me.person and there.code == me.code
    assert there.key != me.key
    assert store.people.by_key(there.key) == me.person


def test_codes_use_only_unambiguous_letters_and_wrong_codes_find_nobody(store):
    me = store.people.create()
    assert len(me.code) == CODE_LENGTH and set(me.code) <= set(CODE_ALPHABET)
    assert not set("01ILOUV") & set(CODE_ALPHABET)
    assert store.people.join_by_code("ABCDE") is None
    assert store.people.join_by_code("2" * CODE_LENGTH) is None


def test_people_not_seen_for_the_kept_days_are_erased_with_their_work(store):
    now = [1_000_000.0]
    clocked = People(store.engine, clock=lambda: now[0])
    old = clocked.create()
    store.work.add_run(old.person, {"run": 1})
    now[0] += 10 * DAY
    recent = clocked.create()
    now[0] += 25 * DAY  # old: 35 days unseen; recent: 25
    assert clocked.erase_unseen(days=30) == 1
    assert clocked.by_key(old.key) is None
    assert clocked.by_key(recent.key) == recent.person
    assert store.work.runs(old.person) == []


def test_forgetting_erases_everything_a_person_kept(store):
    me = store.people.create()
    store.work.save_model(me.person, b"model", {"architecture": "fast"}, "trained")
    store.work.save_settings(me.person, {"epochs": "2"})
    store.people.forget(me.person)
    assert store.people.by_key(me.key) is None
    assert store.work.newest_model(me.person) is None
    assert store.work.settings(me.person) == {}


def test_a_person_exists_until_forgotten(store):
    me = store.people.create()
    assert store.people.exists(me.person)
    store.people.forget(me.person)
    assert not store.people.exists(me.person)
