"""What a person's page offers for their agreements, from the rows it already lists."""

from django import template

from agreements.enums import AgreementStatus

register = template.Library()


@register.simple_tag
def open_agreements(agreements) -> dict:
    """The person's open draft and active version, read from the listed agreements (the
    page's loop has fetched them: no query of its own). A new agreement is offered only
    when neither exists; the active one is changed by amending it."""
    found = {"draft": None, "active": None}
    for agreement in agreements:
        if agreement.status == AgreementStatus.DRAFT and found["draft"] is None:
            found["draft"] = agreement
        elif agreement.status == AgreementStatus.ACTIVE:
            found["active"] = agreement
    return found
