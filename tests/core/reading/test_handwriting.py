"""The real-handwriting evaluation draws like a person and reports honestly."""

import gzip
import json

import numpy as np
import pytest

from mnist_core.data.pen_digits import Sample, draw_like_a_person, load_samples
from mnist_core.drawing.strokes import PEN_WIDTHS
from mnist_core.errors import MnistError
from mnist_core.reading.classifier import Prediction
from mnist_core.reading.handwriting import evaluate_handwriting
from tests.support.drawing import SEVEN as CANVAS_SEVEN

SEVEN = Sample(7, "abc", [[[x / 280, y / 280] for x, y in CANVAS_SEVEN[0]]])
ONE = Sample(1, "xyz", [[[0.5, 0.0], [0.5, 1.0]]])


def test_samples_load_from_gzipped_and_plain_json(tmp_path):
    records = {"samples": [{"label": 7, "inst": "abc", "strokes": SEVEN.strokes}]}
    (tmp_path / "s.json").write_text(json.dumps(records))
    (tmp_path / "s.json.gz").write_bytes(gzip.compress(json.dumps(records).encode()))
    assert load_samples(tmp_path / "s.json") == [SEVEN]
    assert load_samples(tmp_path / "s.json.gz") == [SEVEN]


def test_unreadable_samples_file_is_named(tmp_path):
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(MnistError, match="bad.json"):
        load_samples(tmp_path / "bad.json")


def test_drawing_fits_the_canvas_at_a_human_size():
    rng = np.random.default_rng(0)
    for _ in range(20):
        canvas = draw_like_a_person(SEVEN, rng)
        assert canvas.shape == (280, 280) and canvas.dtype == np.uint8
        rows = np.flatnonzero(canvas.any(axis=1))
        assert rows[0] > 0 and rows[-1] < 279  # never cut by the border
        height = rows[-1] - rows[0]
        assert 0.5 * 280 - 1 <= height <= 0.8 * 280 + PEN_WIDTHS[1]


def test_positions_and_pens_vary_with_the_seed():
    a = draw_like_a_person(SEVEN, np.random.default_rng(1))
    b = draw_like_a_person(SEVEN, np.random.default_rng(2))
    assert not np.array_equal(a, b)


class Always:
    """A stand-in classifier answering one digit (None: empty)."""

    def __init__(self, digit):
        self.digit = digit

    def classify(self, image):
        return Prediction(self.digit, 1.0, (0.1,) * 10, None)


def test_report_counts_per_digit_per_institution_and_confusions():
    samples = [SEVEN, SEVEN, ONE]
    report = evaluate_handwriting(Always(7), samples)
    assert report.accuracy == pytest.approx(2 / 3)
    assert report.accuracy_by(report.insts) == {"abc": 1.0, "xyz": 0.0}
    assert report.confusions() == [(1, 7, 1)]
    assert "accuracy: 0.6667" in report.lines()


def test_an_empty_answer_counts_as_wrong():
    report = evaluate_handwriting(Always(None), [ONE])
    assert report.accuracy == 0.0 and report.predictions.tolist() == [-1]


@pytest.mark.slow
def test_shipped_model_reads_real_handwriting():
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from tests.support.datasets import DEFAULT_HANDWRITING

    if not DEFAULT_HANDWRITING.exists():
        pytest.skip("UNIPEN samples are only in the project's shared datasets")
    samples = load_samples(DEFAULT_HANDWRITING)[::50]  # 249 across all institutions
    classifier = Classifier(load_model(SHIPPED_MODEL_PATH).model)
    assert evaluate_handwriting(classifier, samples).accuracy > 0.95


def test_sure_but_wrong_counts_confident_mistakes_only():
    from mnist_core.reading.handwriting import HandwritingReport

    probabilities = np.full((4, 10), 0.01)
    probabilities[0, 7] = probabilities[1, 1] = 0.91  # read 7 and 1 surely
    probabilities[2, 3] = 0.5  # not sure
    report = HandwritingReport(
        labels=np.array([7, 7, 2, 4]),
        predictions=np.array([7, 1, 3, -1]),  # right, sure-wrong, unsure, empty
        probabilities=probabilities,
        insts=np.array(["a"] * 4),
    )
    assert report.sure_but_wrong == 0.25


def test_calibration_is_fitted_on_the_other_institutions_only():
    from mnist_core.reading.handwriting import HandwritingReport, calibrate

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 600)
    probabilities = np.full((600, 10), 0.001)
    probabilities[np.arange(600), labels] = 0.99  # always right, very sure
    insts = np.array(["a", "b", "c"] * 200)
    report = HandwritingReport(labels, labels.copy(), probabilities, insts)
    calibrated, temperature = calibrate(report)
    assert temperature < 1  # always right: even surer is better
    np.testing.assert_array_equal(calibrated.predictions, report.predictions)
    assert sorted(set(calibrated.insts)) == ["a", "b", "c"]


def test_a_sample_is_drawn_alike_alone_or_among_others():
    seen = {}

    class Recorder:
        def classify(self, image):
            seen.setdefault(len(seen), image.copy())
            return Prediction(7, 1.0, (0.1,) * 10, None)

    evaluate_handwriting(Recorder(), [ONE, SEVEN], seed=3)
    among_others = seen[1]
    seen.clear()
    evaluate_handwriting(Recorder(), [SEVEN], seed=3)
    np.testing.assert_array_equal(seen[0], among_others)
