"""Fixtures of the directory's tests: members from the real reference data and a coordinator."""

import pytest

from bphub.members.models import Member


@pytest.fixture
def indonesia(reference):
    return Member.objects.get(code="ID")


@pytest.fixture
def thailand(reference):
    return Member.objects.get(code="TH")


@pytest.fixture
def coordinator(indonesia, make_user):
    return make_user("member_coordinator", member=indonesia)
