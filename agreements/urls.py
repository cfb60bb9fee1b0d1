from agreements.views import agreements, reports, reviews, signing

app_name = "agreements"

# Each views module declares the URLs it serves; this file only joins them.
urlpatterns = [
    *agreements.urlpatterns,
    *signing.urlpatterns,
    *reviews.urlpatterns,
    *reports.urlpatterns,
]
