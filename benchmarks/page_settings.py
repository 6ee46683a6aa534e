"""Settings of the page benchmark's server: the app's own settings with two changes.

- ROOT_URLCONF adds a bare view (benchmarks/page_urls.py) to compare pages with; the app's
  URLconf never has it.
- STATIC_ROOT is a throwaway folder the benchmark collects the static files into (the manifest
  storage needs them with DEBUG off), so the repository's staticfiles/ is never touched.
Everything else (middleware, templates, database from DATABASE_URL, DEBUG from the environment)
is exactly what production runs.
"""

import os
from pathlib import Path

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.page_urls"
STATIC_ROOT = Path(os.environ["PAGEBENCH_STATIC_ROOT"])

# `python -m benchmarks.pages --prepared`: what PostgreSQL prepared statements would give (a
# what-if for tracker/settings.py; Django prepares nothing unless told to).
if os.environ.get("PAGEBENCH_PREPARED") == "1" and DATABASES["default"]["ENGINE"].endswith(  # noqa: F405
    "postgresql"
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        server_side_binding=True, prepare_threshold=5
    )
