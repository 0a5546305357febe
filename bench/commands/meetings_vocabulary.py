"""What the meetings bench generator writes: sizes, dates, kinds and the fictitious words it uses."""

from datetime import date

from bphub.core.policy import CLASSIFICATION_RANK

BATCH = 5000
FIRST_DAY = date(2022, 1, 3)
LAST_DAY = date(2026, 12, 31)
BIG_DAY = date(2026, 12, 7)  # the same day as Indico's big meeting
STORED_PDF = "meetings/documents/bench/bench-document.pdf"
PERSON_PREFIX = "Bench delegate"

KIND_WEIGHTS = {
    "working_group": 28, "workshop": 15, "pre_briefing": 11, "consultation": 9, "steering_group": 8,
    "thematic_dialogue": 8, "roundtable": 8, "ad_hoc_group": 7, "senior_officials": 4, "ministerial": 2,
}
# Kinds whose meetings follow one another in numbered series, and the bodies they belong to.
SERIES_KINDS = {"ministerial", "senior_officials", "ad_hoc_group", "steering_group", "working_group"}
SERIES_SIZE = 50  # meetings per series, at most (about a decade of a group's regular meetings)
GROUP_OF_KIND = {
    "ministerial": ["BPMC"], "senior_officials": ["SOM"], "ad_hoc_group": ["AHG"], "steering_group": ["SG"],
    "working_group": ["TIPWG", "DWG", "TEGRR", "TFPP"], "consultation": ["CM"],
    "pre_briefing": ["SOM", "AHG", "SG", "TIPWG", "DWG"], "workshop": ["TIPWG", "DWG", "TEGRR", "TFPP", None],
    "roundtable": ["GABF", "TEGRR", None], "thematic_dialogue": [None],
}
ONLINE_KINDS = {"steering_group", "pre_briefing", "consultation"}
PUBLIC_KINDS = {"ministerial", "thematic_dialogue", "roundtable", "workshop", "senior_officials"}
OTHER_CLASSIFICATIONS = [("members", 60), ("body", 27), ("restricted", 8), ("secretariat", 5)]
TOPICS = [
    "victim identification", "returns and reintegration", "people smuggling at sea", "document fraud",
    "labour migration pathways", "trafficking for forced criminality", "financial investigation",
    "data sharing", "border management", "child protection", "online recruitment", "asylum procedures",
    "statelessness", "disembarkation", "ethical recruitment", "law enforcement cooperation",
    "mixed migration flows", "biometrics", "public awareness", "legal frameworks",
]
SESSION_TITLES = [
    "Opening and adoption of the agenda", "Updates from members", "Regional trends and data",
    "Discussion of the draft outcome", "Forward work plan", "Closing",
]
ITEM_TITLES = [
    "Welcome remarks by the co-chairs", "Report of the Regional Support Office", "Member presentations",
    "Presentation by IOM", "Presentation by UNHCR", "Presentation by UNODC", "Open discussion",
    "Case study", "Break-out groups", "Report back", "Agreement on next steps", "Any other business",
]
WORDS = (
    "regional cooperation members agreed migration smuggling trafficking persons returns reintegration border "
    "officials data report plan review capacity training guidance framework victims protection law enforcement "
    "information exchange working group senior recommendations progress national referral mechanism"
).split()
FIRST = ["Ana", "Budi", "Chen", "Dewi", "Erik", "Farah", "Gita", "Hiro", "Ines", "Jun", "Kamal", "Lina", "Malik",
         "Nadia", "Omar", "Priya", "Quang", "Rina", "Sami", "Tara", "Umar", "Vina", "Wei", "Yuki", "Zainab"]
LAST = ["Santoso", "Nguyen", "Smith", "Rahman", "Tanaka", "Kim", "Silva", "Haddad", "Patel", "Wong", "Lee",
        "Karimi", "Fernando", "Sharma", "Ali", "Brown", "Sato", "Chowdhury", "Reyes", "Tan", "Suzuki", "Lim"]
DECISIONS = [
    "Members agreed to share their national referral procedures through the Exchange before the next meeting.",
    "The meeting endorsed the draft guidance note for consideration by the Ad Hoc Group.",
    "Members welcomed the offer of a member to host a capacity-building workshop next year.",
    "The co-chairs will report the group's progress to the Senior Officials' Meeting.",
    "Members agreed on a joint period of action on smuggling networks at sea.",
]
RECOMMENDATIONS = [
    "Members are encouraged to nominate a second focal point for the group.",
    "The RSO should compile members' good practices on victim identification into a short guide.",
    "Members should report national data on returns for the regional snapshot each year.",
]
ACTIONS = [
    "Compile members' national referral procedures", "Circulate the revised draft guidance note",
    "Nominate a focal point for the joint period of action", "Share national data on returns",
    "Prepare the concept note for the next workshop", "Report on the outcomes of the national consultation",
    "Translate the guidance note into Bahasa Indonesia", "Update the regional snapshot of irregular movements",
]
DOC_TYPES = [  # (type, label, share)
    ("concept_note", "Concept note", 6), ("agenda", "Annotated agenda", 6), ("background", "Background paper", 30),
    ("presentation", "Presentation", 35), ("outcome_statement", "Outcome statement", 3),
    ("co_chairs_statement", "Co-chairs' statement", 2), ("minutes", "Minutes", 4), ("work_plan", "Work plan", 2),
    ("other", "Information note", 12),
]
RANK = CLASSIFICATION_RANK  # the policy's order, widest first


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _batches(rows, size=BATCH):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
