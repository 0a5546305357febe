"""Loaded with `-p config.pytest_env` before pytest-django reads the settings: tests always run
with the test profile, whatever the shell says (DATABASE_URL is kept, so CI can choose PostgreSQL)."""

import os
import tempfile

os.environ["BPHUB_ENV"] = "test"

# Uploaded files (meeting documents, notes verbales) go to a throwaway folder, never into var/.
if "MEDIA_ROOT" not in os.environ:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bphub-test-media-")

# pytest-xdist: each worker (PYTEST_XDIST_WORKER, set before this runs) has a folder of its own
# inside the one it inherited, so no two workers write, list or remove each other's files. Their
# databases are apart already: pytest-django gives each worker its own test database.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.makedirs(os.environ["MEDIA_ROOT"], exist_ok=True)
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(
        prefix=f"{os.environ['PYTEST_XDIST_WORKER']}-", dir=os.environ["MEDIA_ROOT"]
    )
