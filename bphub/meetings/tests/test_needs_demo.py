"""The demo shows a realistic week: each demo account that would have work sees something waiting."""

import pytest
from django.core.management import call_command
from django.test import Client

from bphub.accounts.models import User
from bphub.core.tests.home_needs import home_needs
from bphub.demo.data import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_every_demo_role_with_work_sees_what_needs_it_and_each_link_opens(reference, settings, login):
    # given
    settings.DEMO_MODE = True
    call_command("load_demo")

    for email, _name, role, _member, _bodies in DEMO_ACCOUNTS:
        client = login(User.objects.get(email=email), Client())
        # when
        shown = home_needs(client)
        # then
        if role in {"researcher", "alumnus"}:
            assert shown.is_empty and shown.first_steps, email
            continue
        assert shown.needs, email
        for need in shown.needs:
            assert client.get(need.url).status_code == 200, (email, need)
    coordinator = home_needs(login(User.objects.get(email="coordinator.th@demo.bphub.example"), Client()))
    assert {"meetings.delegation_to_nominate", "directory.proposals_to_review"} <= set(coordinator.keys())
