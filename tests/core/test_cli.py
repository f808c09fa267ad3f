"""`python -m mnist_core train | evaluate | classify`, end to end."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_core.cli import main
from mnist_core.constants import PROJECT_ROOT
from mnist_core.drawing.strokes import render_strokes
from mnist_core.models.storage import save_model
from tests.support.drawing import SEVEN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_file(trained, tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "m.keras"
    return save_model(trained.model, path, trained.metadata())


def test_train_prints_epochs_then_the_tutorial_lines(mnist_path, tmp_path):
    out = tmp_path / "cli.keras"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mnist_core",
            "train",
            "--arch",
            "fast",
            "--epochs",
            "2",
            "--train-size",
            "1000",
            "--batch-size",
            "100",
            "--seed",
            "3",
            "--out",
            str(out),
            "--data",
            str(mnist_path),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("Epoch 1/2 - ") and "val_accuracy: " in lines[0]
    assert lines[1].startswith("Epoch 2/2 - ")
    loss, accuracy = lines[-2].split()[1::2]
    assert lines[-2].startswith("loss: ") and " accuracy: " in lines[-2]
    assert float(loss) > 0 and 0.5 < float(accuracy) <= 1
    assert lines[-1].startswith("train_seconds: ") and float(lines[-1].split()[1]) > 0
    assert out.is_file() and out.with_suffix(".json").is_file()


def test_evaluate_prints_test_loss_and_accuracy(
    model_file, mnist_path, capsys, trained
):
    assert (
        main(["evaluate", "--model", str(model_file), "--data", str(mnist_path)]) == 0
    )
    line = capsys.readouterr().out.strip()
    assert line.startswith("loss: ") and " accuracy: " in line
    # Evaluated on all 10,000 test digits, the 3,000-image model is still > 85 %.
    assert float(line.split()[-1]) > 0.85


def test_classify_prints_one_json_line_per_image(model_file, tmp_path, capsys):
    seven = tmp_path / "seven.png"
    Image.fromarray(render_strokes(SEVEN)).save(seven)
    blank = tmp_path / "blank.png"
    Image.fromarray(np.zeros((100, 100), np.uint8)).save(blank)
    broken = tmp_path / "broken.png"
    broken.write_bytes(seven.read_bytes()[:60])
    code = main(
        ["classify", "--model", str(model_file), str(seven), str(blank), str(broken)]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # one file could not be read
    assert [line["file"] for line in lines] == [str(seven), str(blank), str(broken)]
    first = lines[0]
    assert isinstance(first["digit"], int) and len(first["probabilities"]) == 10
    assert first["confidence"] == max(first["probabilities"])
    assert lines[1]["digit"] is None and "empty" in lines[1]["reason"]
    assert "damaged or truncated" in lines[2]["error"]


def test_classify_all_good_exits_zero(model_file, tmp_path, capsys):
    seven = tmp_path / "seven.png"
    Image.fromarray(render_strokes(SEVEN)).save(seven)
    assert main(["classify", "--model", str(model_file), str(seven)]) == 0
    out, err = capsys.readouterr()
    [line] = [json.loads(text) for text in out.splitlines()]
    assert line["file"] == str(seven) and "error" not in line
    assert line["digit"] == int(np.argmax(line["probabilities"]))
    assert sum(line["probabilities"]) == pytest.approx(1, abs=1e-3)
    assert err == ""


def test_bad_settings_print_a_message_not_a_traceback(capsys, mnist_path):
    code = main(["train", "--epochs", "500", "--data", str(mnist_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: The epochs must be between 1 and 30")
    assert "Traceback" not in err


def test_missing_data_file_is_named(capsys, tmp_path):
    code = main(["train", "--data", str(tmp_path / "nope.npz")])
    assert code == 2 and "nope.npz" in capsys.readouterr().err


def test_classify_command_and_app_pipeline_agree_on_the_same_pixels(
    model_file, trained, tmp_path, capsys
):
    from mnist_core.data.pen_digits import Sample, draw_like_a_person
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.handwriting import evaluate_handwriting

    samples = [
        Sample(7, "x", [[[0.1, 0.0], [0.9, 0.05], [0.4, 1.0]]]),
        Sample(1, "x", [[[0.5, 0.0], [0.45, 1.0]]]),
        Sample(0, "x", [[[0.5, 0], [0.1, 0.5], [0.5, 1], [0.9, 0.5], [0.5, 0]]]),
    ]
    canvases = [draw_like_a_person(s, np.random.default_rng(0)) for s in samples]
    files = []
    for i, canvas in enumerate(canvases):
        files.append(tmp_path / f"{i}.png")
        Image.fromarray(canvas).convert("RGBA").save(files[-1])  # as the canvas sends
    assert main(["classify", "--model", str(model_file), *map(str, files)]) == 0
    cli = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    classifier = Classifier(trained.model)
    for line, canvas in zip(cli, canvases, strict=True):
        app = classifier.classify(canvas)
        assert line["digit"] == app.digit
        np.testing.assert_allclose(line["probabilities"], app.probabilities, atol=1e-5)
    # The evaluation draws with the same seed sequence, so it saw these canvases too.
    report = evaluate_handwriting(classifier, samples[:1], seed=0)
    assert report.predictions.tolist() == [cli[0]["digit"]]


def test_handwriting_eval_reports_and_records(model_file, capsys):
    from mnist_core.models.card import read_card
    from tests.support.datasets import DEFAULT_HANDWRITING

    if not DEFAULT_HANDWRITING.exists():
        pytest.skip("UNIPEN samples are only in the project's shared datasets")
    args = ["handwriting-eval", "--model", str(model_file), "--limit", "40", "--record"]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "samples: 40" and out[1].startswith("accuracy: ")
    assert any(line.startswith("inst ") for line in out)
    recorded = read_card(model_file).handwriting
    assert recorded["samples"] == 40
    assert recorded["accuracy"] == pytest.approx(float(out[1].split()[1]), abs=1e-4)


def test_handwriting_eval_without_samples_says_how_to_name_them(capsys, monkeypatch):
    monkeypatch.delenv("MNIST_HANDWRITING_PATH", raising=False)
    code = main(["handwriting-eval"])
    err = capsys.readouterr().err
    assert code == 2 and "--samples FILE or set $MNIST_HANDWRITING_PATH" in err
    assert "Traceback" not in err


def test_a_missing_model_is_named_without_a_traceback(capsys, tmp_path):
    code = main(["classify", "--model", str(tmp_path / "nope.keras"), "x.png"])
    err = capsys.readouterr().err
    assert code == 2 and "no model file called nope.keras" in err
    assert "Traceback" not in err


def test_without_the_shipped_model_classify_says_how_to_get_one(
    capsys, tmp_path, monkeypatch
):
    from mnist_core import cli

    monkeypatch.setattr(cli, "SHIPPED_MODEL_PATH", tmp_path / "gone.keras")
    code = main(["classify", "x.png"])
    err = capsys.readouterr().err
    assert code == 2 and "python -m mnist_core train --preset fast --out" in err


def two_institutions_pen_file(tmp_path) -> Path:
    """A 7 and a 1 from each of two institutions, as a unipen-digits file."""
    from tests.support.drawing import ONE, SEVEN

    unit = lambda strokes: [[[x / 280, y / 280] for x, y in s] for s in strokes]  # noqa: E731
    records = [
        {"label": label, "inst": inst, "strokes": unit(strokes)}
        for inst in ("north", "south")
        for label, strokes in ((7, SEVEN), (1, ONE))
    ]
    pen_file = tmp_path / "strokes.json"
    pen_file.write_text(json.dumps({"samples": records}))
    return pen_file


@pytest.mark.slow
def test_training_on_pen_digits_is_recorded_and_measured_on_left_out_writers(
    tmp_path, mnist_path, capsys
):
    pen_file = two_institutions_pen_file(tmp_path)
    model = tmp_path / "pen.keras"
    settings = ["--arch", "small", "--epochs", "1", "--train-size", "500"]
    common = ["--data", str(mnist_path), "--seed", "3"]
    assert (
        main(
            [
                "train",
                *settings,
                *common,
                "--pen-digits",
                str(pen_file),
                "--out",
                str(model),
            ]
        )
        == 0
    )
    assert "pen digits: 8 drawings of 4 samples" in capsys.readouterr().out
    sidecar = json.loads(model.with_suffix(".json").read_text())
    assert sidecar["pen_digits"]["institutions"] == ["north", "south"]
    # Its own writers say nothing about new ones: refused.
    args = ["handwriting-eval", "--model", str(model), "--samples", str(pen_file)]
    assert main([*args, "--record"]) == 2
    assert "not about new writers" in capsys.readouterr().err
    # One model per institution left out, with the model's own recipe.
    assert main([*args, "--cross-validate", "--record", "--data", str(mnist_path)]) == 0
    out = capsys.readouterr().out
    assert "without north:" in out and "without south:" in out
    assert "sure but wrong:" in out and "calibration error:" in out
    recorded = json.loads(model.with_suffix(".json").read_text())["handwriting"]
    assert recorded["method"].startswith("writers left out: one model per")
    assert recorded["samples"] == 4 and "temperature" in recorded


@pytest.mark.slow
def test_an_averaged_model_is_cross_validated_by_retraining_its_pen_member(
    tmp_path, mnist_path, capsys
):
    pen_file = two_institutions_pen_file(tmp_path)
    common = ["--arch", "small", "--epochs", "1", "--train-size", "500",
              "--data", str(mnist_path), "--seed", "3"]  # fmt: skip
    plain, pen, joined = (tmp_path / f"{n}.keras" for n in ("plain", "pen", "joined"))
    assert main(["train", *common, "--out", str(plain)]) == 0
    assert (
        main(["train", *common, "--pen-digits", str(pen_file), "--out", str(pen)]) == 0
    )
    assert main(["average", str(plain), "--out", str(joined)]) == 2
    assert "two or more models" in capsys.readouterr().err
    args = ["average", str(plain), str(pen), "--out", str(joined)]
    assert main([*args, "--data", str(mnist_path)]) == 0
    sidecar = json.loads(joined.with_suffix(".json").read_text())
    assert sidecar["architecture"] == "averaged" and len(sidecar["members"]) == 2
    assert sidecar["pen_digits"]["samples"] == 4  # what the pair learned from
    assert "pen_digits" not in sidecar["members"][0]
    capsys.readouterr()
    evaluate = ["handwriting-eval", "--model", str(joined), "--samples", str(pen_file)]
    command = [*evaluate, "--cross-validate", "--record", "--data", str(mnist_path)]
    assert main(command) == 0
    out = capsys.readouterr().out
    # One pen member per institution left out, each joined with the plain one.
    assert "without north:" in out and "without south:" in out
    assert "mnist without north:" in out
    recorded = json.loads(joined.with_suffix(".json").read_text())["handwriting"]
    assert recorded["method"].startswith("writers left out: one model per")
