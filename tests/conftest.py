"""Test-session settings: hypothesis runs derandomized under CI, so a red CI run can be
replayed exactly; locally it explores new examples each run. Neither profile has
hypothesis's 200 ms per-example deadline: speed is measured in benchmarks/, and on
a shared two-core machine a correct example can take seconds. Tests that must not
hang set their own generous deadline."""

import os

from hypothesis import settings

settings.register_profile("local", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "local")
