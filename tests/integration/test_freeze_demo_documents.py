"""`make run` freezes the remaining signed PDFs of the demo logins' centres beside the
server; the command stores each version's document once, with the hash of its file."""

import hashlib
from io import StringIO

from django.core.management import call_command

from agreements.enums import AgreementStatus
from agreements.models import SignedDocument
from tests.factories import (
    CentreFactory,
    GoalFactory,
    MigrantFactory,
    SignedAgreementFactory,
)


def _freeze() -> str:
    out = StringIO()
    call_command("freeze_demo_documents", stdout=out)
    return out.getvalue()


def test_every_signed_version_of_the_login_centres_is_frozen_once(
    centre, other_centre, counsellor, outsider
):
    # LU and L are the demo logins' centres (berater, leitung; berater-leipzig)
    assert (centre.code, other_centre.code) == ("LU", "L")
    superseded = SignedAgreementFactory(
        migrant=MigrantFactory(centre=centre, counsellor=counsellor),
        status=AgreementStatus.SUPERSEDED,
    )
    active = SignedAgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    ended_unsigned = SignedAgreementFactory(
        migrant=MigrantFactory(centre=centre, counsellor=counsellor),
        status=AgreementStatus.ENDED_EARLY,
        signed_on=None,
        signed_by_migrant=False,
        signed_by_counsellor=False,
        ended_on=active.signed_on,
        next_review_on=None,
    )
    in_leipzig = SignedAgreementFactory(
        migrant=MigrantFactory(centre=other_centre, counsellor=outsider)
    )
    elsewhere = SignedAgreementFactory(migrant=MigrantFactory(centre=CentreFactory(code="HH")))
    for agreement in (superseded, active, ended_unsigned, in_leipzig, elsewhere):
        GoalFactory(agreement=agreement)

    first = _freeze()
    second = _freeze()

    documents = SignedDocument.objects.order_by("agreement_id")
    assert [document.agreement_id for document in documents] == [
        superseded.pk,
        active.pk,
        in_leipzig.pk,
    ]
    for document in documents:
        with document.pdf.open("rb") as handle:
            assert document.sha256 == hashlib.sha256(handle.read()).hexdigest()
    assert first.startswith("Froze 3 ")
    assert second.startswith("Froze 0 ")
