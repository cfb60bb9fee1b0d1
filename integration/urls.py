from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from agreements.views.home import home
from integration import views
from integration.views import merge, privacy
from people import urls as people_urls

# Data protection spans every app's data, so its pages live in the project layer; they share
# the people app's URL namespace and prefix, since every one of them is about a person.
privacy_urlpatterns = [
    path("<int:pk>/datenschutz/", privacy.person_privacy, name="privacy"),
    path("<int:pk>/datenschutz/auskunft.json", privacy.export_json, name="privacy-export-json"),
    path("<int:pk>/datenschutz/auskunft.pdf", privacy.export_pdf, name="privacy-export-pdf"),
    path("<int:pk>/datenschutz/loeschung/", privacy.erasure_request_create, name="erasure-request"),
    path("loeschantraege/", privacy.erasure_list, name="erasure-list"),
    path("loeschantraege/<int:pk>/entscheiden/", privacy.erasure_decide, name="erasure-decide"),
    path("zugriffsprotokoll/", privacy.access_log, name="access-log"),
    path("widerrufene-einwilligungen/", privacy.withdrawn_consents, name="withdrawn-consents"),
]

# Merging two records of one person moves agreements too: a page of the project layer, in
# the people namespace like the privacy pages.
merge_urlpatterns = [
    path("<int:pk>/zusammenfuehren/", merge.merge, name="merge"),
    path("<int:pk>/zusammenfuehren/entscheiden/", merge.merge_decide, name="merge-decide"),
    path("zusammenfuehrungen/", merge.merge_list, name="merge-list"),
]

urlpatterns = [
    path("", home, name="home"),
    path("health/", views.health, name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("konto/anmelden/", views.LoginView.as_view(), name="login"),
    path("konto/abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "konto/passwort/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "konto/passwort/geaendert/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("konto/passwort-vergessen/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "konto/passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "klienten/",
        include((people_urls.urlpatterns + privacy_urlpatterns + merge_urlpatterns, "integration")),
    ),
    path("vereinbarungen/", include("agreements.urls")),
    path("stellen/", include("sites.urls")),
    path("admin/", admin.site.urls),
    path("konto/zweiter-faktor/", include("integration.mfa.urls")),
]

handler403 = "integration.views.permission_denied"
handler404 = "integration.views.page_not_found"
handler500 = "integration.views.server_error"

if settings.DEBUG:
    urlpatterns.append(path("404/", views.page_not_found, {"exception": None}, name="debug-404"))
