"""Demo accounts and content: fictitious, clearly marked, loaded only in demo mode (BPHUB_DEMO=1)."""

from datetime import date

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from bphub.accounts.models import Role, User
from bphub.core.models import Classification
from bphub.core.timezones import home_zone_name
from bphub.directory.models import Agency
from bphub.knowledge.models import Resource
from bphub.members.models import Body, Member, Theme

DEMO_PASSWORD = "bali process demo 2026"
# One shared secret, so a newcomer adds a single entry to an authenticator app for every demo role.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPBALIPROCESSDEMO2"

DEMO_ACCOUNTS = [
    # email, full name, role, member code, co-chaired body codes
    ("rso.admin@demo.bphub.example", "Ratana Admin (demo)", Role.RSO_ADMIN, None, []),
    ("rso.staff@demo.bphub.example", "Sari Staff (demo)", Role.RSO_STAFF, None, []),
    ("coordinator.th@demo.bphub.example", "Somchai Coordinator (demo)", Role.MEMBER_COORDINATOR, "TH", []),
    ("official.id@demo.bphub.example", "Dewi Official (demo)", Role.MEMBER_OFFICIAL, "ID", []),
    ("cochair.au@demo.bphub.example", "Alex Co-chair (demo)", Role.WG_CO_CHAIR, "AU", ["TIPWG"]),
    ("researcher@demo.bphub.example", "Rina Researcher (demo)", Role.RESEARCHER, None, []),
    ("alumnus.ph@demo.bphub.example", "Paolo Alumnus (demo)", Role.ALUMNUS, "PH", []),
]

DEMO_AGENCIES = [
    ("TH", "Immigration Bureau", "สำนักงานตรวจคนเข้าเมือง", "IB"),
    ("TH", "Ministry of Foreign Affairs", "กระทรวงการต่างประเทศ", "MFA"),
    ("ID", "Directorate General of Immigration", "Direktorat Jenderal Imigrasi", "DJI"),
    ("ID", "Indonesian National Police", "Kepolisian Negara Republik Indonesia", "POLRI"),
    ("AU", "Department of Home Affairs", "", "DHA"),
    ("PH", "Inter-Agency Council Against Trafficking", "", "IACAT"),
    ("MY", "Royal Malaysia Police", "Polis Diraja Malaysia", "PDRM"),
]

# Titles of real RSO publications (README of the reference data); the summaries are our own.
DEMO_RESOURCES = [
    {
        "title": {
            "en": "Policy Guide on Identifying and Protecting Victims of Trafficking",
            "id": "Panduan Kebijakan tentang Identifikasi dan Perlindungan Korban Perdagangan Orang",
            "th": "คู่มือนโยบายว่าด้วยการคัดแยกและคุ้มครองผู้เสียหายจากการค้ามนุษย์",
        },
        "summary": {
            "en": "Demo summary: practical steps for frontline officials to identify victims early "
            "and refer them to protection."
        },
        "kind": Resource.Kind.POLICY_GUIDE,
        "published_on": date(2015, 1, 1),
        "classification": Classification.PUBLIC,
        "themes": ["victim-identification", "as-victim-protection"],
    },
    {
        "title": {"en": "Policy Guide on Following the Money in Trafficking in Persons Cases"},
        "summary": {
            "en": "Demo summary: financial investigation techniques that reach the organisers behind trafficking."
        },
        "kind": Resource.Kind.POLICY_GUIDE,
        "published_on": date(2017, 1, 1),
        "classification": Classification.PUBLIC,
        "themes": ["justice-sector", "transnational-crime"],
    },
    {
        "title": {"en": "Policy Guide on Returns and Reintegration"},
        "summary": {"en": "Demo summary: safe, dignified returns and sustainable reintegration."},
        "kind": Resource.Kind.POLICY_GUIDE,
        "published_on": date(2021, 1, 1),
        "classification": Classification.PUBLIC,
        "themes": ["as-returns"],
    },
    {
        "title": {"en": "Bali Declaration on People Smuggling, Trafficking in Persons and Related Transnational Crime"},
        "summary": {"en": "Demo summary: the 2016 declaration of the Sixth Ministerial Conference."},
        "kind": Resource.Kind.DECLARATION,
        "published_on": date(2016, 3, 23),
        "classification": Classification.PUBLIC,
        "themes": ["as-coordination"],
    },
    {
        "title": {"en": "Adelaide Strategy for Cooperation (2023)"},
        "summary": {"en": "Demo summary: the eight areas of cooperation agreed at the 2023 Ministerial Conference."},
        "kind": Resource.Kind.DECLARATION,
        "published_on": date(2023, 2, 10),
        "classification": Classification.PUBLIC,
        "themes": ["as-coordination", "as-law-enforcement"],
    },
    {
        "title": {"en": "Good practice: joint screening of mixed arrivals at sea (demo)"},
        "summary": {"en": "Fictitious demo: how two agencies shared one screening form at disembarkation."},
        "kind": Resource.Kind.GOOD_PRACTICE,
        "published_on": date(2026, 6, 1),
        "classification": Classification.MEMBERS,
        "originator": "ID",
        "themes": ["safety-at-sea"],
    },
    {
        "title": {"en": "Working Group on Trafficking in Persons: draft forward work plan (demo)"},
        "summary": {"en": "Fictitious demo: for the members of the working group only."},
        "kind": Resource.Kind.REPORT,
        "published_on": date(2026, 9, 15),
        "classification": Classification.BODY,
        "body": "TIPWG",
        "themes": ["tip-patterns"],
    },
    {
        "title": {
            "en": "Alert: forged visa foils in circulation (demo)",
            "th": "การแจ้งเตือน: พบแผ่นวีซ่าปลอมหมุนเวียน (สาธิต)",
        },
        "summary": {"en": "Fictitious demo alert shared between border agencies of named members."},
        "kind": Resource.Kind.ALERT,
        "published_on": date(2026, 11, 2),
        "classification": Classification.RESTRICTED,
        "originator": "TH",
        "released_to": ["MY", "ID"],
        "themes": ["fraudulent-documents"],
    },
    {
        "title": {"en": "RSO internal: draft annual work plan (demo)"},
        "summary": {"en": "Fictitious demo: secretariat only."},
        "kind": Resource.Kind.REPORT,
        "published_on": date(2026, 10, 1),
        "classification": Classification.SECRETARIAT,
        "themes": ["as-coordination"],
    },
]


def _require_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo data is loaded only in demo mode (BPHUB_DEMO=1): never on a real deployment.")


@transaction.atomic
def demo_accounts_ensure() -> list[User]:
    """One account per role, MFA pre-enrolled with DEMO_TOTP_SECRET, each in its member's time zone
    (the RSO's for the RSO and the researcher). Idempotent; an account left on the old UTC default
    moves to its zone."""
    _require_demo_mode()
    members = {member.code: member for member in Member.objects.all()}
    users = []
    for email, name, role, member_code, chaired in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        member = members.get(member_code) if member_code else None
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=name,
                role=role,
                member=member,
                time_zone=home_zone_name(member),
            )
            if role == Role.RSO_ADMIN:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        elif user.time_zone == "UTC":
            user.time_zone = home_zone_name(user.member)
            user.save(update_fields=["time_zone"])
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        user.chaired_bodies.set(Body.objects.filter(code__in=chaired))
        users.append(user)
    return users


@transaction.atomic
def demo_content_ensure() -> dict[str, int]:
    """Agencies and library resources, fictitious and marked as such. Idempotent."""
    _require_demo_mode()
    members = {member.code: member for member in Member.objects.all()}
    agencies = 0
    for code, english, local, acronym in DEMO_AGENCIES:
        name = {"en": english}
        if local:
            name[{"TH": "th", "ID": "id", "MY": "ms"}[code]] = local
        _agency, created = Agency.objects.get_or_create(member=members[code], acronym=acronym, defaults={"name": name})
        agencies += created
    resources = 0
    themes = {theme.code: theme for theme in Theme.objects.all()}
    for spec in DEMO_RESOURCES:
        if Resource.objects.filter(title__en=spec["title"]["en"]).exists():
            continue
        resource = Resource.objects.create(
            title=spec["title"],
            summary=spec["summary"],
            kind=spec["kind"],
            published_on=spec["published_on"],
            classification=spec["classification"],
            originator=members.get(spec.get("originator", "")),
            body=Body.objects.filter(code=spec.get("body", "")).first(),
            is_demo=True,
        )
        resource.themes.set([themes[code] for code in spec["themes"] if code in themes])
        resource.released_to.set([members[code] for code in spec.get("released_to", [])])
        resources += 1
    return {"agencies": agencies, "resources": resources}
