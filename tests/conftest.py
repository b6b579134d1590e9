"""Test-session settings: hypothesis runs derandomized under CI, so a red CI run can be
replayed exactly; locally it explores new examples each run."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
