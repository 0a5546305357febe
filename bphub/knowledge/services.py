from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.models import Classification
from bphub.knowledge.models import Resource


@transaction.atomic
def resource_create(*, actor, data: dict, request=None) -> Resource:
    """Add a library resource, originated by the actor's member (or the RSO).

    Raises ValidationError when the actor may not create records or the classification is incomplete.
    """
    if not policy.may(actor, policy.Capability.CREATE_RECORDS):
        raise ValidationError(_("You cannot add resources."))
    themes, released_to = data.pop("themes", []), data.pop("released_to", [])
    if data.get("classification") == Classification.SECRETARIAT and not actor.is_rso:
        raise ValidationError(_("Only the RSO can classify a record as secretariat only."))
    resource = Resource(**data, originator=None if actor.is_rso else actor.member)
    resource.full_clean()
    resource.save()
    resource.themes.set(themes)
    resource.released_to.set(released_to if resource.classification == Classification.RESTRICTED else [])
    audit_record(
        verb="resource.created", actor=actor, target=resource, request=request, classification=resource.classification
    )
    return resource
