"""Hypothesis profiles of the property tests: "default" (few examples, the normal suite) and "fuzz" (`make fuzz`).

HYPOTHESIS_PROFILE picks one. No deadline in either: a loaded machine must not turn a slow example into a failure
(the suite asserts no timing). "fuzz" keeps its failing examples in .hypothesis/ so that the next run replays them.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=25, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
