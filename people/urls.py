from django.urls import path

from people.views import consents, migrants, sessions

app_name = "integration"

urlpatterns = [
    path("", migrants.migrant_list, name="migrant-list"),
    path("neu/", migrants.migrant_create, name="migrant-create"),
    path("<int:pk>/", migrants.migrant_detail, name="migrant-detail"),
    path("<int:pk>/bearbeiten/", migrants.migrant_edit, name="migrant-edit"),
    path("<int:pk>/verlauf/", migrants.migrant_history, name="migrant-history"),
    path("<int:pk>/abschliessen/", migrants.migrant_close, name="migrant-close"),
    path("<int:pk>/wiedereroeffnen/", migrants.migrant_reopen, name="migrant-reopen"),
    path("<int:pk>/zuweisen/", migrants.migrant_reassign, name="migrant-reassign"),
    path(
        "stelle/<int:centre_pk>/fallumverteilung/",
        migrants.caseload_reassign,
        name="caseload-reassign",
    ),
    path("<int:pk>/gespraeche/neu/", sessions.session_add, name="session-add"),
    path("gespraeche/<int:pk>/", sessions.session_item, name="session-item"),
    path("gespraeche/<int:pk>/bearbeiten/", sessions.session_edit, name="session-edit"),
    path("<int:pk>/einwilligungen/neu/", consents.consent_add, name="consent-add"),
    path("einwilligungen/<int:pk>/widerrufen/", consents.consent_withdraw, name="consent-withdraw"),
]
