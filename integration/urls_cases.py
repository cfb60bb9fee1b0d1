from integration.views import consents, migrants, privacy, sessions

app_name = "integration"

# Each views module declares the URLs it serves; this file only joins them.
urlpatterns = [
    *migrants.urlpatterns,
    *sessions.urlpatterns,
    *consents.urlpatterns,
    *privacy.urlpatterns,
]
