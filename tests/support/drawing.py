"""Digits as pen strokes, and drawing them on the Draw page's canvas in Chromium."""

from mnist_core.drawing.strokes import CANVAS_SIZE

# A 7 and a 1 as pen strokes in canvas pixels (280x280): the one shape every
# test draws, from the core's unit tests to the mouse in a real browser.
SEVEN = [[(70, 60), (130, 58), (205, 60), (180, 120), (150, 180), (125, 235)]]
ONE = [[(140, 50), (140, 230)]]
# What a visitor scribbles across the canvas to try the app.
SCRIBBLE = [[(40, 60), (240, 80), (50, 120), (230, 150), (60, 200), (220, 240),
             (100, 40), (180, 250), (30, 140), (250, 130)]]  # fmt: skip


def draw(page, strokes, steps: int = 3, width: int = CANVAS_SIZE) -> None:
    """Replay strokes (canvas pixels) as real mouse moves on the drawing surface."""
    surface = page.locator("canvas.upper-canvas").first
    surface.wait_for()
    box = surface.bounding_box()
    sx, sy = box["width"] / width, box["height"] / CANVAS_SIZE
    for stroke in strokes:
        points = [(box["x"] + x * sx, box["y"] + y * sy) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point, steps=steps)
        page.mouse.up()


def prediction(page) -> str:
    """The digit the Draw page says it read, once it says one."""
    metric = page.locator("[data-testid=stMetric]").filter(has_text="Prediction")
    metric.wait_for(timeout=30_000)
    return metric.locator("[data-testid=stMetricValue]").inner_text().strip()


def expect_reading(page, digit: int, timeout: float = 30_000) -> None:
    """The Draw page settles on reading `digit`. After a drawing of several
    strokes the canvas sends each one, so the page may first read the first
    stroke alone (a nine's ring reads 0) until the last one has arrived."""
    from playwright.sync_api import expect

    metric = page.locator("[data-testid=stMetric]").filter(has_text="Prediction")
    value = metric.locator("[data-testid=stMetricValue]")
    expect(value).to_have_text(str(digit), timeout=timeout)
