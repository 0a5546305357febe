from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "bphub.communications"
    verbose_name = "Communications"

    def ready(self):
        from bphub.core.home import HomePanel, register_panel

        register_panel(HomePanel("news", "communications/home/news.html", news_panel, order=30))


NEWS_SHOWN = 3


def news_panel(request) -> dict:
    """The latest announcements the reader may read (through the policy), titles and dates only."""
    from bphub.communications.selectors import announcements_visible_to

    return {"announcements": list(announcements_visible_to(request.user)[:NEWS_SHOWN])}
