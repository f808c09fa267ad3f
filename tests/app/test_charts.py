"""The Draw page's probability bars: the right bar highlighted, titles translated,
and the cached chart description never changed by a caller."""

import numpy as np

from app_ui import charts


def test_the_likeliest_digit_is_the_highlighted_bar():
    probs = np.full(10, 0.02)
    probs[7] = 0.82
    frame, spec = charts.probabilities(probs)
    assert frame.loc[frame.best, "digit"].tolist() == ["7"]
    assert frame.probability.sum() == np.float64(probs.sum())
    assert spec["encoding"]["color"]["condition"]["test"] == "datum.best"


def test_titles_follow_the_language(monkeypatch):
    monkeypatch.setattr(
        charts, "t", {"digit": "dígito", "probability": "probabilidad"}.get
    )
    _, spec = charts.probabilities(np.eye(10)[0])
    assert spec["encoding"]["x"]["title"] == "dígito"
    assert spec["encoding"]["y"]["title"] == "probabilidad"


def test_a_changed_spec_does_not_leak_into_the_next_drawing():
    _, first = charts.probabilities(np.eye(10)[1])
    first["encoding"]["x"]["title"] = "changed"
    first["width"] = 1
    _, second = charts.probabilities(np.eye(10)[2])
    assert second["encoding"]["x"]["title"] != "changed" and "width" not in second


def test_spanish_charts_write_numbers_the_spanish_way(monkeypatch):
    monkeypatch.setattr(charts, "language", lambda: "es")
    counts = charts.digit_counts(np.arange(10) * 1000).to_dict()
    assert counts["config"]["locale"]["number"]["thousands"] == "."
    _, spec = charts.probabilities(np.full(10, 0.1))
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    monkeypatch.setattr(charts, "language", lambda: "en")
    assert "locale" not in charts.digit_counts(np.arange(10)).to_dict().get(
        "config", {}
    )
