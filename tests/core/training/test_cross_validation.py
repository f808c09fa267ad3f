"""Both yardsticks side by side: dev writers left out, the test file's others."""

import numpy as np

from mnist_core.reading.handwriting import HandwritingReport
from mnist_core.training.cross_validation import BothYardsticks, unseen_writers


def report(insts: dict[str, tuple[int, int]]) -> HandwritingReport:
    """Per institution (digits, wrong): every digit a 1, read sure."""
    labels, predictions, groups = [], [], []
    for inst, (digits, wrong) in insts.items():
        labels += [1] * digits
        predictions += [7] * wrong + [1] * (digits - wrong)
        groups += [inst] * digits
    predictions = np.array(predictions)
    probabilities = np.full((len(labels), 10), 0.005)
    probabilities[np.arange(len(labels)), predictions] = 0.955
    return HandwritingReport(
        np.array(labels), predictions, probabilities, np.array(groups)
    )


def test_the_two_yardsticks_and_their_pool_are_printed_side_by_side():
    dev = unseen_writers(report({"apa": (300, 3), "syn": (200, 8)}))
    test = report({"uqb": (150, 9), "cea": (7, 7)})  # cea: too few to rank
    lines = BothYardsticks(dev, test).lines()
    assert "both accuracy: 0.9780 | 0.8981 | 0.9589" in lines
    assert (
        "both lowest institution (>= 100 digits): syn 0.9600 | uqb 0.9400 | "
        "uqb 0.9400" in lines
    )
    sure_but_wrong = next(x for x in lines if x.startswith("both sure but wrong"))
    assert sure_but_wrong.count("|") == 2
    assert lines[: len(dev.lines())] == dev.lines()  # the dev lines stay first


def test_the_summary_keeps_the_dev_numbers_and_adds_the_test_file():
    dev = unseen_writers(report({"apa": (300, 3)}))
    summary = BothYardsticks(dev, report({"uqb": (150, 9)})).summary()
    assert summary["accuracy"] == dev.summary()["accuracy"] == 0.99
    assert summary["test"]["accuracy"] == 0.94
    assert summary["test"]["samples"] == 150 and summary["test"]["by_inst"] == {
        "uqb": 0.94
    }
