from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from sites.enums import PartnerKind
from sites.filters import PartnerFilter
from sites.http import page_of
from sites.models import CounsellingCentre, Membership, Municipality, Offer, Partner


def centre_list(request: HttpRequest) -> HttpResponse:
    centres = CounsellingCentre.objects.visible_to(request.user).select_related("municipality")
    return render(request, "sites/counsellingcentre_list.html", {"centres": centres})


def centre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    centre = get_object_or_404(
        CounsellingCentre.objects.visible_to(request.user).select_related("municipality"), pk=pk
    )
    team = (
        Membership.objects.filter(centre=centre)
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    return render(request, "sites/counsellingcentre_detail.html", {"centre": centre, "team": team})


def municipality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality.objects.visible_to(request.user), pk=pk)
    centres = municipality.centres.filter(pk__in=CounsellingCentre.objects.visible_to(request.user))
    partners = municipality.partners.annotate(
        offer_count=Count("offers", filter=Q(offers__active=True))
    )
    return render(
        request,
        "sites/municipality_detail.html",
        {"municipality": municipality, "centres": centres, "partners": partners},
    )


def partner_list(request: HttpRequest) -> HttpResponse:
    partners = (
        Partner.objects.visible_to(request.user)
        .select_related("municipality")
        .prefetch_related(Prefetch("offers", queryset=Offer.objects.filter(active=True)))
        .order_by("municipality__name", "kind", "name")
    )
    partner_filter = PartnerFilter(request.GET, queryset=partners)
    page = page_of(request, partner_filter.qs)
    kind = partner_filter.form.cleaned_data.get("kind", "")
    return render(
        request,
        "sites/partner_list.html",
        {"page": page, "kinds": PartnerKind.choices, "kind": kind},
    )


def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(
        Partner.objects.visible_to(request.user).select_related("municipality"), pk=pk
    )
    return render(
        request,
        "sites/partner_detail.html",
        {"partner": partner, "offers": partner.offers.order_by("-active", "title")},
    )
