"""Data-protection rules: the Art. 15 export, erasure with four eyes, retention, consents.

Everything a person told us lives in the live rows AND in the history rows that
django-simple-history keeps of every change, so the export reads both and anonymising
scrubs both. What stays after anonymising is what the pseudonymised statistics need:
centre, counsellor, year of birth, sex, nationality, intake and closing dates, the
statuses, areas, outcomes and hurdle categories of agreements, goals and reviews.
"""

from integration.privacy.consents import (
    consent_usable_for_referral,
    steps_with_withdrawn_consent,
    steps_with_withdrawn_consent_visible_to,
)
from integration.privacy.erasure import (
    ANONYMISED_REASON,
    anonymise_for_retention,
    anonymise_migrant,
    can_decide,
    decide_erasure,
    erasure_blockers,
    expired_migrants,
    request_erasure,
    retention_cutoff,
)
from integration.privacy.export import (
    Cell,
    PersonalDataExport,
    Section,
    build_personal_data_export,
    export_files,
)
from integration.privacy.rows import ANONYMISED, PLACEHOLDER_PREFIX, PersonRows

__all__ = [
    "ANONYMISED",
    "ANONYMISED_REASON",
    "PLACEHOLDER_PREFIX",
    "Cell",
    "PersonRows",
    "PersonalDataExport",
    "Section",
    "anonymise_for_retention",
    "anonymise_migrant",
    "build_personal_data_export",
    "can_decide",
    "consent_usable_for_referral",
    "decide_erasure",
    "erasure_blockers",
    "expired_migrants",
    "export_files",
    "request_erasure",
    "retention_cutoff",
    "steps_with_withdrawn_consent",
    "steps_with_withdrawn_consent_visible_to",
]
