"""The home page's panels, registered by the apps that own them.

Core sits below every module, so it never imports them: each app registers its panel in its
AppConfig.ready(), and the home view shows the panels whose context function returns a dict for the
reader (None hides the panel). Each context function reads through its own app's selectors, and
so through the policy.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str  # rendered with the context function's dict, inside the home page
    context: Callable  # (request) -> dict | None
    order: int = 100  # smaller first
    position: str = "top"  # "top": above the areas; "bottom": below them


_PANELS: dict[str, HomePanel] = {}


def register_panel(panel: HomePanel) -> None:
    """Add (or replace, by key) a panel; called from an AppConfig.ready()."""
    if panel.position not in {"top", "bottom"}:
        raise ValueError(f"Unknown home panel position {panel.position!r}")
    _PANELS[panel.key] = panel


def panels_for(request, position: str) -> list[tuple[HomePanel, dict]]:
    """The panels at `position` that have something for this reader, each with its context."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.position != position:
            continue
        context = panel.context(request)
        if context is not None:
            shown.append((panel, context))
    return shown
