from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from sites.models import CounsellingCentre, Membership, Municipality, Offer, Partner, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["centre", "user"]


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 1
    fields = ["title", "area", "languages", "active"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "memberships__role", "memberships__centre"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "federal_state"]
    list_filter = ["federal_state"]
    search_fields = ["name"]


@admin.register(CounsellingCentre)
class CounsellingCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "provider", "service_type", "municipality"]
    list_filter = [
        "service_type",
        "municipality__federal_state",
        "municipality",
        "counsellors_need_second_factor",
    ]
    search_fields = ["name", "code", "provider", "city"]
    list_select_related = ["municipality"]
    inlines = [MembershipInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "contact_person", "phone"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "contact_person", "email"]
    list_select_related = ["municipality"]
    inlines = [OfferInline]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "area", "active"]
    list_filter = ["area", "active", "partner__kind", "partner__municipality"]
    search_fields = ["title", "description", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "role"]
    list_filter = ["role", "centre__municipality"]
    search_fields = ["user__username", "user__last_name", "centre__name"]
    list_select_related = ["user", "centre"]
    autocomplete_fields = ["user", "centre"]
