"""Upload a model of your own on the Model page: a good one is used and measured,
a refused one changes nothing."""

import keras
import pytest

from mnist_core.constants import SHIPPED_MODEL_PATH
from tests.e2e.conftest import open_page, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def upload(tab, path) -> None:
    tab.get_by_text("Use a model of your own").click()
    tab.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(path)
    wait_idle(tab)


def test_a_lambda_model_is_refused_and_a_good_one_becomes_yours(page, tmp_path):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Lambda(lambda t: t * 2)(inputs)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(x))
    keras.Model(inputs, outputs).save(tmp_path / "evil.keras")

    open_page(page, "model")
    upload(page, tmp_path / "evil.keras")
    alert = page.locator("[data-testid=stAlertContentError]")
    alert.wait_for()
    assert "evil.keras uses a Lambda layer" in alert.inner_text()
    page.get_by_text("The model you were using is still in use.").wait_for()
    assert page.get_by_role("radio", name="Your model").count() == 0

    good = tmp_path / "mine.keras"
    good.write_bytes(SHIPPED_MODEL_PATH.read_bytes())
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(good)
    wait_idle(page)
    success = page.locator("[data-testid=stAlertContentSuccess]")
    success.wait_for(timeout=60_000)
    assert "mine.keras: 99." in success.inner_text()  # measured on MNIST's test set
    assert page.get_by_role("radio", name="Your model").is_checked()
    # The Draw page now offers it too.
    page.get_by_role("link", name="Draw").first.click()
    wait_idle(page)
    assert page.get_by_role("radio", name="Your model").count() == 1
