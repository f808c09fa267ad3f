"""How a training looks while it runs and after: progress, curves, results."""

import pandas as pd
import streamlit as st

from app_ui import charts
from app_ui.common import YOURS, ActiveModel, enlarge, reader_for, use_model
from app_ui.i18n import (
    architecture_title,
    duration_words,
    number,
    plain_number,
    say,
    t,
)
from app_ui.kept import RUNS_SHOWN, run_record
from mnist_core.data.mnist import MnistData
from mnist_core.models.card import ModelCard
from mnist_core.serving.jobs import JobState, TrainingJob
from mnist_core.training.config import SETTINGS

ALMOST_DONE_SECONDS = 3.0  # the last batches and the test pass after them


def progress(snapshot) -> None:
    if snapshot.state == JobState.QUEUED and not snapshot.position:
        st.info(t("Waiting for a free worker in the cluster; yours starts by itself."))
        return
    if snapshot.state == JobState.QUEUED:
        st.info(
            t(
                "Another training is using the server. You are number "
                "{position} in line; yours should start in {time}.",
                position=snapshot.position,
                time=duration_words(max(snapshot.starts_in or 0, 1)),
            )
        )
        return
    event = snapshot.latest
    if event is None:
        st.progress(0.0, text=t("Starting…"))
        return
    # The time left comes from this run's own batch rate (BatchClock), once
    # its first, slow batches are behind it.
    left = t("estimating the time left…")
    if event.eta is not None and event.eta < ALMOST_DONE_SECONDS:
        left = t("almost done")  # "about 5 seconds" is the shortest span said
    elif event.eta is not None:
        left = t("{time} left", time=duration_words(event.eta))
    st.progress(
        event.progress,
        text=t(
            "Epoch {epoch}/{epochs} · batch {batch}/{batches} · {elapsed:.0f} s "
            "elapsed · {left}",
            epoch=event.epoch,
            epochs=event.epochs,
            batch=event.batch,
            batches=event.batches,
            elapsed=event.elapsed,
            left=left,
        ),
    )


def curves(snapshot) -> None:
    if snapshot.points:
        st.markdown(t("**Every batch** (smoothed)"))
        st.altair_chart(charts.batch_curves(snapshot.points))
    if snapshot.epochs:
        st.markdown(
            t("**After each epoch**: the test curve shows digits it never trains on")
        )
        st.altair_chart(charts.epoch_curves(snapshot.epochs))


@st.fragment(run_every=1.0)
def live(job: TrainingJob) -> None:
    snapshot = job.snapshot()
    if job.stop_event.is_set():
        st.info(t("Stopping… the batch in progress finishes first."))
    progress(snapshot)
    curves(snapshot)
    if job.finished:
        st.rerun()  # the whole page, to show the results


def make_yours(result) -> ActiveModel:
    """A finished training's model as "your model", in use on Draw and Model."""
    from mnist_core.models.storage import model_bytes

    active = ActiveModel(
        YOURS,
        result.model,
        reader_for(result.model),
        ModelCard.from_metadata(result.metadata()),
    )
    st.session_state.your_model = active
    st.session_state.model_bytes = model_bytes(result.model)
    use_model(YOURS)
    return active


def adopt(job: TrainingJob, data: MnistData) -> None:
    """Make the finished model "your model" for Draw and Model (once per job)."""
    if st.session_state.get("adopted") is job:
        return
    from mnist_core.training.evaluation import evaluate_test_set

    result = job.result
    classifier = make_yours(result).classifier
    st.session_state.report = evaluate_test_set(classifier.probabilities, data)
    runs = st.session_state.setdefault("runs", [])
    number = runs[-1]["run"] + 1 if runs else 1
    runs.append({"run": number, **run_record(result)})
    del runs[:-RUNS_SHOWN]  # a session shows its last few runs, not all of them
    st.session_state.adopted = job


# A toggle's column reads as its switch did (yes/no), not as its value's id.
TOGGLE_COLUMNS = {s.heading: s.toggles for s in SETTINGS.values() if s.toggles}


def shown(column: str, value):
    """A run-table cell as a person reads it."""
    if column in TOGGLE_COLUMNS:
        value = value == TOGGLE_COLUMNS[column][1]
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    formats = {"test accuracy": ".2%", "test loss": ".4f", "seconds": ".1f"}
    if column in formats:
        return number(value, formats[column])
    if column == "architecture":
        return architecture_title(value)
    if isinstance(value, (int, float)) and column != "run":  # the run's own number
        return plain_number(value)
    return value


def compare_runs() -> None:
    """This session's runs side by side: settings, results, test-accuracy curves
    (a single run too when its results are not on the page: a kept one)."""
    runs = st.session_state.get("runs", [])
    if not runs or (len(runs) == 1 and "job" in st.session_state):
        return
    if len(runs) == 1:
        st.subheader(t("Your last run"))
    else:
        st.subheader(t("Your runs, side by side"))
    table = [
        {t(k): shown(k, v) for k, v in run.items() if k != "history"} for run in runs
    ]
    st.table(pd.DataFrame(table).set_index(t("run")))  # plain HTML: readable by all
    curves = [
        (t("run {number}", number=run["run"]), epoch, accuracy)
        for run in runs
        for epoch, accuracy in run["history"]
    ]
    st.altair_chart(charts.run_curves(curves), width="stretch")


def results(job: TrainingJob, data: MnistData) -> None:
    snapshot = job.snapshot()
    if job.state == JobState.FAILED:
        st.error(t("Training failed: {error}", error=say(snapshot.error)))
        return
    if job.state == JobState.CANCELLED:
        st.info(t("You left the queue before your training started."))
        return
    adopt(job, data)
    result, report = job.result, st.session_state.report
    if result.stopped and snapshot.latest is not None:
        last = snapshot.latest
        st.warning(
            t(
                "Stopped after {batch} of {batches} batches of epoch {epoch} (of "
                "{epochs}); the model keeps what it learned so far.",
                batch=last.batch,
                batches=last.batches,
                epoch=last.epoch,
                epochs=last.epochs,
            )
        )
    m1, m2, m3 = st.columns(3)
    m1.metric(t("Test accuracy"), number(result.test_accuracy, ".2%"))
    m2.metric(t("Test loss"), number(result.test_loss, ".4f"))
    m3.metric(t("Training time"), number(result.train_seconds, ".0f") + " s")
    curves(snapshot)
    left, right = st.columns(2)
    left.markdown(t("**Confusion matrix**: rows are the true digit"))
    left.altair_chart(charts.confusion(report.confusion))
    right.markdown(t("**Accuracy per digit**"))
    right.altair_chart(charts.per_class(report.per_class_accuracy), width="stretch")
    wrong = report.mistakes(30)
    st.markdown(
        t(
            "**Mistakes**: {errors:,} of {count:,} test digits; "
            "the most confident mistakes first",
            errors=report.error_count,
            count=len(report.labels),
        )
    )
    st.image(
        [enlarge(data.x_test[i] / 255.0, 56) for i in wrong],
        width=56,
        caption=[f"{report.labels[i]} → {report.predictions[i]}" for i in wrong],
    )
    st.download_button(
        t("Download your model (.keras)"),
        st.session_state.model_bytes,
        file_name="mnist_model.keras",
        mime="application/octet-stream",
    )
    st.caption(t("It is now **your model** on the Draw and Model pages."))
