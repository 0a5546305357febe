"""Pre-briefing PDFs are made by the task worker, never in a web request: the first request queues
the render and answers "being prepared"; once the worker has run, the reader gets the PDF of
exactly what they may read (readers with the same content share one file, others get their own);
a failed render says so and may be tried again, and is never retried for ever; a web process never
imports WeasyPrint."""

import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from bphub.core.models import Classification
from bphub.meetings.testing import make_agenda, make_document, make_meeting
from bphub.members.models import Member
from bphub.outbox.testing import database_url_for_subprocess, wait_until

RENDER_TASK = "bphub.meetings.tasks.render_pack_pdf"
# The worker runs for real (in this process, or as a process of its own): committed data, as it sees it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("audit_triggers_paused_for_flush")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cast(transactional_db, media):
    members = {c: Member.objects.create(code=c, name={"en": f"Member {c}"}, kind=Member.Kind.STATE) for c in "ABC"}
    meeting = make_meeting(
        title="Seventh meeting",
        originator=members["A"],
        starts_at=datetime(2031, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok")),
        days=3,
        venue="Bangkok",
    )
    make_agenda(meeting, sessions=2, items_per_session=2)
    make_document(meeting, title="Open concept note", is_key=True)
    make_document(
        meeting,
        title="Paper for B only",
        is_key=True,
        classification=Classification.RESTRICTED,
        released_to=[members["B"]],
    )
    return {"members": members, "meeting": meeting}


def pdf_url(meeting) -> str:
    return f"/meetings/{meeting.pk}/pre-briefing.pdf"


def run_worker() -> None:
    call_command("worker", "--batch", "--interval", "0", verbosity=0)


def render_tasks():
    return DBTaskResult.objects.filter(task_path=RENDER_TASK).order_by("enqueued_at")


def refresh_target(response) -> str:
    """Where the page's <meta http-equiv="refresh"> goes, or "" when it has none."""
    found = re.search(r'http-equiv="refresh" content="\d+; url=([^"]+)"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else ""


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def download(client, meeting):
    """The reader's way to the file: ask, let the worker run, follow the page, get the PDF."""
    waiting = client.get(pdf_url(meeting))
    if waiting["Content-Type"] == "application/pdf":
        return waiting
    assert waiting.status_code == 202, waiting.status_code
    run_worker()
    ready = client.get(refresh_target(waiting))
    assert ready.status_code == 200 and refresh_target(ready) == pdf_url(meeting)
    return client.get(pdf_url(meeting))


def test_the_first_request_answers_being_prepared_and_queues_one_render(cast, client, login, make_user):
    login(make_user("member_official", cast["members"]["C"]))

    first = client.get(pdf_url(cast["meeting"]))
    again = client.get(pdf_url(cast["meeting"]))

    assert first.status_code == 202 and first["Content-Type"].startswith("text/html")
    assert "is being prepared" in first.content.decode() and "<progress" in first.content.decode()
    assert refresh_target(first).startswith(pdf_url(cast["meeting"]) + "?pack=")
    assert again.status_code == 202
    assert render_tasks().count() == 1 and render_tasks().get().status == "READY"
    # The page's own refresh reads only the render's state: it queues nothing more.
    assert client.get(refresh_target(first)).status_code == 202 and render_tasks().count() == 1


def test_with_javascript_the_page_polls_without_a_timed_refresh_then_loads_the_ready_page(
    cast, client, login, make_user
):
    # given a reader waiting for the PDF
    login(make_user("member_official", cast["members"]["C"]))
    waiting = client.get(pdf_url(cast["meeting"]))
    page = waiting.content.decode()
    poll_url = refresh_target(waiting)

    # then the timed refresh is only for browsers without JavaScript; others poll the status section
    assert re.search(r"<noscript><meta http-equiv=\"refresh\"", page)
    assert f'hx-get="{poll_url.replace("&", "&amp;")}"' in page and 'hx-trigger="every 1s"' in page

    # when htmx polls before and after the worker ran
    before = client.get(poll_url, headers={"HX-Request": "true"})
    run_worker()
    after = client.get(poll_url, headers={"HX-Request": "true"})

    # then it is told to wait, then to load the page whole, which starts the download at once
    assert before.status_code == 202 and "HX-Redirect" not in before
    assert after.status_code == 200 and after["HX-Redirect"] == poll_url
    assert refresh_target(client.get(poll_url)) == pdf_url(cast["meeting"])


def test_once_the_worker_ran_the_page_starts_the_download_of_the_pdf(cast, client, login, make_user):
    login(make_user("member_official", cast["members"]["C"]))
    waiting = client.get(pdf_url(cast["meeting"]))

    run_worker()
    ready = client.get(refresh_target(waiting))
    response = client.get(pdf_url(cast["meeting"]))

    assert ready.status_code == 200 and "The PDF is ready" in ready.content.decode()
    assert refresh_target(ready) == pdf_url(cast["meeting"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="pre-briefing-seventh-meeting.pdf"' == response["Content-Disposition"]
    text = pdf_text(response)
    assert "Seventh meeting" in text and "Open concept note" in text and "Paper for B only" not in text
    assert render_tasks().get().status == "SUCCESSFUL"


def test_readers_with_the_same_content_share_a_pdf_and_others_get_their_own(cast, client, login, make_user):
    members, meeting = cast["members"], cast["meeting"]
    login(make_user("member_official", members["C"]))
    as_c = download(client, meeting)

    login(make_user("member_official", members["C"]))  # a colleague: the same visible content
    as_colleague = client.get(pdf_url(meeting))
    login(make_user("member_official", members["B"]))  # B may also read B's restricted paper
    waiting_b = client.get(pdf_url(meeting))

    assert as_colleague["Content-Type"] == "application/pdf" and as_colleague.content == as_c.content
    assert waiting_b.status_code == 202 and render_tasks().count() == 2
    as_b = download(client, meeting)
    assert "Paper for B only" in pdf_text(as_b) and "Paper for B only" not in pdf_text(as_c)
    # C, handed B's waiting address, learns only that a file is ready; following it gives C's own PDF.
    login(make_user("member_official", members["C"]))
    peek = client.get(refresh_target(waiting_b))
    assert peek["Content-Type"].startswith("text/html") and b"Paper for B only" not in peek.content
    assert client.get(refresh_target(peek)).content == as_c.content


def test_the_pdf_reflects_a_change_made_just_before(cast, client, login, make_user):
    login(make_user("member_official", cast["members"]["C"]))
    before = pdf_text(download(client, cast["meeting"]))

    make_document(cast["meeting"], title="Late annotated agenda", is_key=True)
    after = client.get(pdf_url(cast["meeting"]))

    assert "Late annotated agenda" not in before
    assert after.status_code == 202  # new content: a new render, never the old file
    assert "Late annotated agenda" in pdf_text(download(client, cast["meeting"]))


def test_a_failed_render_says_so_and_can_be_tried_again(cast, client, login, make_user):
    login(make_user("member_official", cast["members"]["C"]))
    waiting = client.get(pdf_url(cast["meeting"]))
    digest = refresh_target(waiting).split("?pack=")[1]
    default_storage.delete(f"meetings/packs/{digest}.html")  # the render's source is lost

    run_worker()
    failed = client.get(refresh_target(waiting))
    asked_again = client.get(pdf_url(cast["meeting"]))

    assert render_tasks().get().status == "FAILED"
    for page in (failed, asked_again):
        assert page.status_code == 200 and "could not be prepared" in page.content.decode()
        assert 'method="post"' in page.content.decode() and "Try again" in page.content.decode()
        assert refresh_target(page) == ""  # nothing retries by itself
    assert render_tasks().count() == 1
    retried = client.post(pdf_url(cast["meeting"]))
    assert retried.status_code == 303 and retried["Location"] == refresh_target(waiting)
    assert render_tasks().count() == 2
    assert "Seventh meeting" in pdf_text(download(client, cast["meeting"]))


def test_a_render_whose_workers_keep_dying_is_given_up(cast, client, login, make_user):
    login(make_user("member_official", cast["members"]["C"]))
    waiting = client.get(pdf_url(cast["meeting"]))
    # As the reaper leaves a task after two workers died while rendering it (bphub.core.worker).
    render_tasks().update(worker_ids=["died-1", "died-2"])

    run_worker()

    task = render_tasks().get()
    assert task.status == "FAILED" and task.exception_class_path.endswith("PackRenderAbandoned")
    assert "could not be prepared" in client.get(refresh_target(waiting)).content.decode()


def test_a_thai_title_renders_in_the_pdf(cast, client, login, make_user):
    meeting = make_meeting(title="การประชุมคณะทำงาน", originator=cast["members"]["A"])
    login(make_user("rso_staff"))

    response = download(client, meeting)

    assert response.status_code == 200
    assert "การประชุม" in pdf_text(response).replace(" ", "")


def test_the_pdf_of_a_meeting_the_reader_may_not_see_answers_404_at_every_step(cast, client, login, make_user):
    members = cast["members"]
    quiet = make_meeting(
        title="Quiet meeting",
        classification=Classification.RESTRICTED,
        originator=members["A"],
        released_to=[members["B"]],
    )
    login(make_user("member_official", members["B"]))
    waiting = refresh_target(client.get(pdf_url(quiet)))

    login(make_user("member_official", members["C"]))
    for response in (client.get(pdf_url(quiet)), client.get(waiting), client.post(pdf_url(quiet))):
        assert response.status_code == 404 and b"Quiet meeting" not in response.content


# -- Real processes ----------------------------------------------------------------------------------


def test_a_real_worker_process_renders_the_pdf(cast, client, login, make_user, worker_processes, media):
    login(make_user("member_official", cast["members"]["C"]))
    assert client.get(pdf_url(cast["meeting"])).status_code == 202

    worker_processes.start(MEDIA_ROOT=str(media))
    response = wait_until(
        lambda: (r := client.get(pdf_url(cast["meeting"])))["Content-Type"] == "application/pdf" and r,
        timeout=60,
        what="the worker's PDF",
    )

    assert "Seventh meeting" in pdf_text(response)


WEB_PROCESS = """
import json, sys
from config.wsgi import application  # what gunicorn imports

from django.urls import URLPattern, get_resolver


def views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            yield pattern.callback
        else:
            yield from views(pattern.url_patterns)


resolved = sum(1 for _ in views(get_resolver().url_patterns))
from django.test import Client

from bphub.accounts.models import User
from bphub.accounts.testing import force_login_with_mfa

client = Client()
force_login_with_mfa(client, User.objects.get(email=sys.argv[1]))
pack = client.get(sys.argv[2])
pdf = client.get(sys.argv[3])
poll = client.get(pdf.content.decode().split('url=')[1].split('"')[0].replace("&amp;", "&"))
print(json.dumps({
    "resolved": resolved,
    "statuses": [pack.status_code, pdf.status_code, poll.status_code],
    "weasyprint": sorted(name for name in sys.modules if name.split(".")[0] in {"weasyprint", "pydyf"}),
    "renderer": "bphub.meetings.pdf" in sys.modules,
}))
"""


def test_a_web_process_never_imports_weasyprint(cast, make_user, media):
    reader = make_user("member_official", cast["members"]["C"])
    meeting = cast["meeting"]
    env = {
        **os.environ,
        "BPHUB_ENV": "test",
        "DATABASE_URL": database_url_for_subprocess(),
        "DB_CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("BPHUB_TEST_SQLITE_FILE", None)

    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WEB_PROCESS, reader.email, f"/meetings/{meeting.pk}/pre-briefing/", pdf_url(meeting)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["resolved"] > 100
    assert seen["statuses"] == [200, 202, 202]
    assert seen["weasyprint"] == [] and seen["renderer"] is False
    assert render_tasks().count() == 1
