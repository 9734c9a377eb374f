"""How a law page and the laws index word a law's versions: which is in force, and what replaced
the others. Plain text: the templates print it through the literal-text encoder like any value."""

from __future__ import annotations

from casebook.core.model import Law, LawVersion
from casebook.core.text import human_date


def label(version: LawVersion) -> str:
    """The version's label with a capital, to begin a line or a table cell ("Text as amended in 2025")."""
    return version.label[:1].upper() + version.label[1:]


# how a version's ``adopted`` date reads, by the kind of instrument (otherwise "adopted")
MADE = {"case-law": "delivered", "executive-order": "signed", "treaty": "signed"}
GUIDES = ("framework", "standard", "guidance")  # a version of these is "current", not "in force"


def dates(law: Law, version: LawVersion) -> str:
    """'adopted 26 April 2023; in force from 1 July 2023', as much as the record gives (a judgment is
    'delivered', an order or a treaty 'signed')."""
    parts = []
    if version.adopted:
        parts.append(f"{MADE.get(law.type, 'adopted')} {human_date(version.adopted)}")
    if version.in_force and version.current and pending(law):
        parts.append(f"to come into force on {human_date(version.in_force)}")
    elif version.in_force:
        parts.append(f"in force from {human_date(version.in_force)}")
    return "; ".join(parts)


def superseded(law: Law, version: LawVersion) -> str:
    """'superseded on 1 July 2023 by the 2023 revised text', or '' for the version in force."""
    if version.current:
        return ""
    when = f" on {human_date(version.superseded)}" if version.superseded else ""
    successor = law.version(version.superseded_by)
    if successor is None:  # repealed with no successor recorded
        return f"superseded{when}"
    unknown = "" if version.superseded else " (the date is not recorded here)"
    return f"superseded{when} by the {successor.label}{unknown}"


def pending(law: Law) -> bool:
    """Whether the latest version was, as of the check, adopted but not yet in force: its in-force
    date is after ``versions_checked`` (the sources then announced a date, they did not report it)."""
    current = law.current_version
    if current is None or not current.in_force or not law.versions_checked:
        return False
    size = min(len(current.in_force), len(law.versions_checked))
    return current.in_force[:size] > law.versions_checked[:size]


def in_force(law: Law) -> str:
    """The version in force and since when, for the header of a law's page and the laws index."""
    if not law.versions:
        return ""
    current = law.current_version
    if current is None:
        return "none: every version has been superseded"
    name = label(current)
    if law.type == "case-law":  # a judgment is not "in force"; its label names it and its date
        return name
    if current.in_force and pending(law):
        checked = human_date((law.versions_checked or "")[:7])
        due = human_date(current.in_force)
        return f"{name}, due to come into force on {due} (as of {checked}, the latest source found)"
    if current.in_force:
        return f"{name}, in force from {human_date(current.in_force)}"
    if current.adopted:  # signed, enacted, published: said with the date, which the label may not date
        return f"{name} ({dates(law, current)})"
    return name


def marker(law: Law) -> str:
    """What the list of versions says beside the current one: in force as of the check, or only the
    latest one recorded (a statement about the present needs its date). A judgment says nothing."""
    if law.type == "case-law":
        return ""
    current = law.current_version
    if law.versions_checked and current is not None:
        checked = human_date(law.versions_checked[:7])
        if pending(law):  # the sources announced its date; none reports that it came into force
            return f"adopted, not yet in force as of {checked}, the latest source found"
        if law.type in GUIDES:
            return f"current as of {checked}"
        if current.in_force is None:  # signed or enacted: when it took effect is not recorded
            return f"the latest version recorded as of {checked}; its entry into force is not recorded here"
        return f"in force as of {checked}"
    return "the latest version recorded here"


def heading(law: Law) -> str:
    """The header column of a law's page that shows the current version."""
    if law.type == "case-law":
        return "Version"
    current = law.current_version
    if not law.versions_checked or pending(law) or (current is not None and current.in_force is None):
        return "Current version" if law.type in GUIDES and law.versions_checked else "Latest version recorded"
    return "Current version" if law.type in GUIDES else "Version in force"


def checked(law: Law) -> str:
    """'Versions checked 23 August 2025', from the record (never the build date)."""
    if law.versions_checked:
        return f"Versions checked {human_date(law.versions_checked)}"
    return "Versions not checked against a dated source"
