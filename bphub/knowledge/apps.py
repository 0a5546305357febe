from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "bphub.knowledge"
    label = "knowledge"

    def ready(self):
        from bphub.core.home import HomePanel, register_first_steps, register_panel

        register_panel(
            HomePanel("recent_resources", "knowledge/home/recent_resources.html", recent_resources_panel, order=40)
        )
        register_first_steps("knowledge", knowledge_first_steps)


def recent_resources_panel(request) -> dict:
    from bphub.knowledge.selectors import resource_list_visible_to

    # Titles only: no summaries loaded.
    recent = resource_list_visible_to(user=request.user).only("id", "title", "classification")
    return {"resources": recent[:5]}


def knowledge_first_steps(user) -> list:
    """The Exchange is open to everyone: first for those who mostly read (researchers, alumni)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from bphub.core import policy
    from bphub.core.home import FirstStep

    reads_mostly = not policy.acts_for_members_people(user)
    return [
        FirstStep(
            key="knowledge.browse",
            title=_("Browse the Exchange"),
            url=reverse("knowledge:resource_list"),
            text=_("Policy guides, good practices and resources shared across the Bali Process."),
            order=10 if reads_mostly else 70,
        )
    ]
