from integration.views import migrants

app_name = "integration"

# Each views module declares the URLs it serves; this file only joins them.
urlpatterns = [
    *migrants.urlpatterns,
]
