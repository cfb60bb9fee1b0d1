"""The people domain's models: clients with their children and qualifications
(`migrants`), consents and counselling sessions (`consents`), the access log, erasure
requests and the password-reset throttle (`privacy`). Import them from here:
`from people.models import Migrant`."""

from people.models.consents import Consent, ConsentQuerySet, CounsellingSession
from people.models.merges import MergeRequest
from people.models.migrants import (
    LETTERS_WITHOUT_DECOMPOSITION,
    CaseNumberCounter,
    Child,
    Migrant,
    MigrantQuerySet,
    Qualification,
    normalise_for_search,
    search_text_of,
)
from people.models.privacy import AccessLog, ErasureRequest, PasswordResetRequest

__all__ = [
    "LETTERS_WITHOUT_DECOMPOSITION",
    "AccessLog",
    "CaseNumberCounter",
    "Child",
    "Consent",
    "ConsentQuerySet",
    "CounsellingSession",
    "ErasureRequest",
    "MergeRequest",
    "Migrant",
    "MigrantQuerySet",
    "PasswordResetRequest",
    "Qualification",
    "normalise_for_search",
    "search_text_of",
]
