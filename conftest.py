import pytest

# A real SMTP server (smtp_server), real worker processes (worker_processes), audit_triggers_paused_for_flush.
pytest_plugins = ["bphub.outbox.testing"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: throttling counters, used codes and cached fragments
    of one test never reach the next. (The authorization matrix runs each route as one test, so the
    cells of a route share a warm cache: see bphub/core/tests/matrix.py.)"""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


_REFERENCE_ROWS: dict = {}  # model -> field values of every row the first real load made (per process)


@pytest.fixture
def reference(db):
    """The real reference data (members, bodies, seats, themes), loaded as `make run` does.

    The first load of a test process reads the files with reference_load() and keeps the rows it
    made; later tests whose tables are empty get the same rows again in one insert per table (with
    the load's audit event), which costs a fraction of reading and validating the files again.
    """
    import copy

    from django.core.management.color import no_style
    from django.db import connection

    from bphub.core.audit import audit_record
    from bphub.members.models import Body, BodyMembership, Member, SubRegion, Theme
    from bphub.members.services import reference_load

    models = (SubRegion, Member, Body, BodyMembership, Theme)  # parents before children
    empty = not any(model.objects.exists() for model in models)
    if not (empty and _REFERENCE_ROWS):
        report = reference_load()
        if empty:
            _REFERENCE_ROWS["report"] = {
                "created": report.created,
                "updated": report.updated,
                "kept_local": report.kept_local,
            }
            for model in models:
                fields = [field.attname for field in model._meta.concrete_fields]
                _REFERENCE_ROWS[model] = [{name: getattr(row, name) for name in fields} for row in model.objects.all()]
        return None
    for model in models:
        model.objects.bulk_create(model(**copy.deepcopy(values)) for values in _REFERENCE_ROWS[model])
    with connection.cursor() as cursor:  # the rows came with their ids: new rows must not reuse them
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    audit_record(verb="reference.loaded", **copy.deepcopy(_REFERENCE_ROWS["report"]))
    return None


@pytest.fixture
def make_user(db):
    """Create an active user with a role; MFA enrolled unless mfa=False. Returns the user."""
    from bphub.accounts.testing import create_user

    return create_user


@pytest.fixture
def login(client):
    """Sign a user in on the test client, past MFA, as a real login would leave the session."""
    from bphub.accounts.testing import force_login_with_mfa

    def do(user, target_client=None):
        force_login_with_mfa(target_client or client, user)
        return target_client or client

    return do


def pytest_terminal_summary(terminalreporter):
    """One line on the authorization matrix: its rows (cells) and their cost (building the cast and
    signing its readers in, plus every route's cells), summed over xdist workers."""
    rows = routes = 0
    seconds = 0.0
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            properties = dict(getattr(report, "user_properties", ()))
            if "matrix_rows" in properties:
                rows += properties["matrix_rows"]
                routes += 1
                seconds += report.duration + properties.get("matrix_setup_seconds", 0.0)
    if rows:
        per_row = 1000 * seconds / rows
        terminalreporter.write_line(
            f"authorization matrix: {rows} rows over {routes} routes in {seconds:.1f} s ({per_row:.1f} ms a row)"
        )
