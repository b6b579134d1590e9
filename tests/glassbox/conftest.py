"""One headless Chromium per test module for the glass box's browser tests."""

import pytest

from chromium import launched


@pytest.fixture(scope="module")
def browser():
    with launched() as b:
        yield b
