"""Loaded with `-p config.pytest_env` before pytest-django reads the settings: tests always run
with the test profile, whatever the shell says (DATABASE_URL is kept, so CI can choose PostgreSQL)."""

import os

os.environ["BPHUB_ENV"] = "test"

# Uploaded files (meeting documents, notes verbales) go to a throwaway folder, never into var/.
if "MEDIA_ROOT" not in os.environ:
    import tempfile

    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bphub-test-media-")
