from django.urls import reverse

from sites.models import CounsellingCentre, Municipality, Offer, Partner
from tests.factories import OfferFactory, PartnerFactory, UserFactory


def test_counsellor_sees_only_own_centre(counsellor, centre, other_centre):
    assert list(CounsellingCentre.objects.visible_to(counsellor)) == [centre]


def test_supervisor_sees_only_supervised_centre(supervisor, centre, other_centre):
    assert list(CounsellingCentre.objects.visible_to(supervisor)) == [centre]
    assert list(CounsellingCentre.objects.supervised_by(supervisor)) == [centre]


def test_user_without_membership_sees_no_centre(db, centre):
    assert list(CounsellingCentre.objects.visible_to(UserFactory())) == []


def test_partners_and_offers_are_scoped_to_the_municipalities_of_the_users_centres(
    counsellor, centre, other_centre
):
    own = OfferFactory(partner=PartnerFactory(municipality=centre.municipality))
    OfferFactory(partner=PartnerFactory(municipality=other_centre.municipality))
    assert list(Partner.objects.visible_to(counsellor)) == [own.partner]
    assert list(Offer.objects.visible_to(counsellor)) == [own]
    assert list(Municipality.objects.visible_to(counsellor)) == [centre.municipality]


def test_other_centres_pages_are_not_found(counsellor_client, other_centre):
    foreign_partner = PartnerFactory(municipality=other_centre.municipality)
    for url in [
        reverse("sites:centre-detail", args=[other_centre.pk]),
        reverse("sites:municipality-detail", args=[other_centre.municipality.pk]),
        reverse("sites:partner-detail", args=[foreign_partner.pk]),
    ]:
        assert counsellor_client.get(url).status_code == 404, url


def test_own_centre_pages_open(counsellor_client, centre):
    partner = PartnerFactory(municipality=centre.municipality)
    for url in [
        reverse("sites:centre-list"),
        reverse("sites:centre-detail", args=[centre.pk]),
        reverse("sites:municipality-detail", args=[centre.municipality.pk]),
        reverse("sites:partner-list"),
        reverse("sites:partner-detail", args=[partner.pk]),
    ]:
        assert counsellor_client.get(url).status_code == 200, url


def test_model_project_municipalities_are_initial_data(db):
    assert Municipality.objects.count() == 18
    assert Municipality.objects.get(name="Ludwigshafen am Rhein").federal_state == "RP"
