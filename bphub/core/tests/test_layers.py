"""A lower app never imports a higher one (the project's layering, checked on the source).

Lowest first: core and outbox; members; accounts; directory and knowledge; communications;
meetings; api; demo. Each exception below is a deliberate, named entry point.
"""

import ast
from pathlib import Path

import bphub

RANK = {
    "core": 0,
    "outbox": 0,
    "members": 1,
    "accounts": 2,
    "directory": 3,
    "knowledge": 3,
    "communications": 4,
    "meetings": 5,
    "api": 6,
    "demo": 7,
}

# (importing app, imported module prefix): why it may look up.
ALLOWED = {
    # The one policy reads who a user is (role, member) and the seats of members on bodies.
    ("core", "bphub.accounts.models"): "roles are the policy's input",
    ("core", "bphub.members.models"): "seats on bodies are the policy's input",
    # Accounts reaches the person record through one named entry point only.
    ("accounts", "bphub.directory.person_record"): "the directory's entry point for accounts",
    # The weekly digest reads what changed in meetings (communications sends for meetings too).
    ("communications", "bphub.meetings"): "the digest and announcements read meetings",
}

ROOT = Path(bphub.__file__).resolve().parent


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # "from bphub.directory import person_record" names the module
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _violations() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or "migrations" in relative.parts or len(relative.parts) < 2:
            continue
        app = relative.parts[0]
        if app not in RANK:
            continue
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "bphub" or len(parts) < 2 or parts[1] not in RANK:
                continue
            if RANK[parts[1]] <= RANK[app]:
                continue
            if any(app == who and module.startswith(prefix) for who, prefix in ALLOWED):
                continue
            found.append(f"bphub/{relative}:{line}: {app} imports {module}")
    return found


def test_no_app_imports_a_higher_one():
    assert _violations() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    # The check must bite: a members module importing meetings is reported.
    fake_root = tmp_path / "bphub"
    (fake_root / "members").mkdir(parents=True)
    (fake_root / "members" / "services.py").write_text("def f():\n    from bphub.meetings.models import Meeting\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake_root)
    assert _violations() == ["bphub/members/services.py:2: members imports bphub.meetings.models.Meeting"]
