"""Reader-facing labels for the content model's enum values (statuses, source types, jurisdictions)."""

from __future__ import annotations

STATUS_LABELS = {
    "alleged": ("Alleged", "what prosecutors claim; not proven in court"),
    "reported": ("Reported", "what a named party or outlet reported"),
    "established": ("On the record", "a matter of record: a filing, a published statement, a date"),
    "disputed": ("Disputed", "sources disagree"),
}
SOURCE_TYPE_LABELS = {
    "court": "Court filings",
    "government": "Government",
    "company": "Company statements and filings",
    "law-text": "Texts of laws and frameworks",
    "ngo": "Research and advocacy organisations",
    "academic": "Academic",
    "press": "News and analysis",
    "blog": "Blogs and commentary",
    "other": "Other",
}
JURISDICTION_LABELS = {
    "prc": "People's Republic of China",
    "us": "United States",
    "eu": "European Union",
    "international": "International",
    "other": "Other",
}
