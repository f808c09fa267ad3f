"""Charts, asserted on their Vega-Lite specs: the Draw page's probability bars (the
right bar highlighted, the cached spec never changed by a caller), readable axes,
no exaggerating bars, and series that keep their colours in both languages."""

from types import SimpleNamespace

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


def test_pixel_intensities_run_0_to_255_with_a_tick_per_power_of_ten():
    counts = np.array([38_292_396] + [150_000] * 30 + [3_535_061])
    edges = np.linspace(0, 256, 33).astype(int)
    encoding = charts.intensities(counts, edges).to_dict()["encoding"]
    assert encoding["x"]["scale"]["domain"] == [0, 256]
    assert encoding["x"]["scale"]["nice"] is False  # no padding to -20 and 260
    ticks = encoding["x"]["axis"]["values"]
    assert ticks[0] == 0 and ticks[-1] == 255
    y = encoding["y"]
    assert y["scale"]["type"] == "log"
    assert y["axis"]["values"] == [100_000, 1_000_000, 10_000_000, 100_000_000]
    assert y["scale"]["domain"] == [100_000, 100_000_000]  # every bar's count inside
    assert y["axis"]["format"] == "~s"  # 100k, 1M, 10M, 100M


def test_an_empty_intensity_bin_gets_no_bar_on_the_log_axis():
    counts = np.array([5_000, 0, 40] + [10] * 29)
    edges = np.linspace(0, 256, 33).astype(int)
    chart = charts.intensities(counts, edges)
    assert 0 not in chart.data.pixels.tolist()
    assert chart.to_dict()["encoding"]["y"]["axis"]["values"] == [10, 100, 1000, 10000]


def test_epoch_labels_are_horizontal():
    epochs = [
        SimpleNamespace(
            epoch=e, loss=0.1, val_loss=0.2, accuracy=0.9, val_accuracy=0.95
        )
        for e in (1, 2, 3)
    ]
    view = charts.epoch_curves(epochs).to_dict()["spec"]
    assert view["encoding"]["x"]["axis"]["labelAngle"] == 0
    runs = charts.run_curves([("run 1", 1, 0.9), ("run 1", 2, 0.95)]).to_dict()
    assert runs["encoding"]["x"]["axis"]["labelAngle"] == 0


def test_accuracy_per_digit_is_dots_with_their_values_written():
    accuracy = np.array([0.99, 0.995, 0.98, 0.985, 0.99, 0.97, 0.99, 0.98, 0.975, 0.97])
    views = charts.per_class(accuracy).to_dict()["layer"]
    marks = {v["mark"]["type"] for v in views}
    assert "bar" not in marks  # a zoomed bar's length would exaggerate
    assert marks == {"circle", "text"}
    (text,) = [v for v in views if v["mark"]["type"] == "text"]
    assert text["encoding"]["text"] == {
        "field": "accuracy",
        "format": ".2%",
        "type": "quantitative",
    }


def colours(chart) -> dict[str, str]:
    scale = chart.to_dict()["spec"]["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


def test_training_and_test_keep_their_colours_in_both_languages(monkeypatch):
    epochs = [SimpleNamespace(epoch=1, loss=1, val_loss=1, accuracy=0, val_accuracy=0)]
    english = colours(charts.epoch_curves(epochs))
    spanish_words = {"training": "entrenamiento", "test": "prueba"}
    monkeypatch.setattr(charts, "t", lambda text: spanish_words.get(text, text))
    monkeypatch.setattr(charts, "language", lambda: "es")
    spanish = colours(charts.epoch_curves(epochs))
    assert english["training"] == spanish["entrenamiento"]
    assert english["test"] == spanish["prueba"]
    assert english["training"] != english["test"]


def test_intensity_bars_rise_from_the_floor_of_the_log_axis():
    counts = np.array([38_292_396] + [150_000] * 31)
    edges = np.linspace(0, 256, 33).astype(int)
    encoding = charts.intensities(counts, edges).to_dict()["encoding"]
    assert encoding["y2"] == {"datum": encoding["y"]["scale"]["domain"][0]}
