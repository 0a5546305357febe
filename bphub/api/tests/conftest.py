import pytest


@pytest.fixture
def bearer():
    """Authorization headers with a fresh personal access token of `user`."""
    from bphub.api.services import token_create

    def make(user, **kwargs):
        _token, raw_token = token_create(user=user, name=kwargs.pop("name", "test"), **kwargs)
        return {"Authorization": f"Bearer {raw_token}"}

    return make


@pytest.fixture
def make_resource(db):
    from bphub.knowledge.models import Resource

    def make(title: str, classification: str = "public", originator=None, body=None, released_to=(), **fields):
        resource = Resource.objects.create(title={"en": title}, kind=fields.pop("kind", Resource.Kind.REPORT),
                                           classification=classification, originator=originator, body=body, **fields)
        resource.released_to.set(released_to)
        return resource

    return make
