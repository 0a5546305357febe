"""Background work of meetings: the pre-briefing PDF, rendered by the task worker.

This module is imported by web requests (to queue the task); it imports nothing of WeasyPrint.
"""

from django.tasks import task

# A reader is waiting on the "being prepared" page: ahead of bulk work such as mail deliveries.
PACK_PRIORITY = 10
# A render that took its worker down (out of memory, killed) is handed back by the reaper
# (bphub.core.worker); after this many attempts it fails instead, and the page offers to try again.
PACK_MAX_ATTEMPTS = 2


class PackRenderAbandoned(Exception):
    """The render was started PACK_MAX_ATTEMPTS times by workers that never finished it."""


@task(priority=PACK_PRIORITY, takes_context=True)
def render_pack_pdf(context, *, digest: str, generated_label: str, base_url: str) -> int:
    if context.attempt > PACK_MAX_ATTEMPTS:
        raise PackRenderAbandoned(
            f"The pre-briefing PDF {digest} was started {context.attempt - 1} times without finishing."
        )
    from bphub.meetings.packs import pack_pdf_render

    return pack_pdf_render(digest=digest, generated_label=generated_label, base_url=base_url)
