from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "bphub.knowledge"
    label = "knowledge"

    def ready(self):
        from bphub.core.home import HomePanel, register_panel

        register_panel(
            HomePanel(
                "recent_resources", "knowledge/home/recent_resources.html", recent_resources_panel, position="bottom"
            )
        )


def recent_resources_panel(request) -> dict:
    from bphub.knowledge.selectors import resource_list_visible_to

    # Titles only: no summaries loaded.
    recent = resource_list_visible_to(user=request.user).only("id", "title", "classification")
    return {"resources": recent[:5]}
