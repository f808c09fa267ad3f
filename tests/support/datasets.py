"""Where a dev checkout finds its datasets: the shared copies beside the project.

The shipped CLI has no default outside the project (`--samples` comes from
$MNIST_HANDWRITING_PATH or the command line); tests and benches read these.
"""

import os
from pathlib import Path

from mnist_core.cli import HANDWRITING_PATH_ENV, HANDWRITING_TEST_ENV
from mnist_core.constants import PROJECT_ROOT

SHARED_DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"
DEFAULT_MNIST = SHARED_DATASETS / "mnist.npz"
# UNIPEN's pen-written digits: $MNIST_HANDWRITING_PATH, else the shared dev copy
# (its held-out test file, unipen-digits-test.json.gz, lies beside it).
DEFAULT_HANDWRITING = Path(
    os.environ.get(HANDWRITING_PATH_ENV)
    or SHARED_DATASETS / "unipen-digits-dev.json.gz"
)
# Other institutions' writers: never trained or tuned on, only reported on.
TEST_HANDWRITING = Path(
    os.environ.get(HANDWRITING_TEST_ENV)
    or SHARED_DATASETS / "unipen-digits-test.json.gz"
)
