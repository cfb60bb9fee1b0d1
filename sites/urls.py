from django.urls import path

from sites import views

app_name = "sites"

urlpatterns = [
    path("", views.centre_list, name="centre-list"),
    path("<int:pk>/", views.centre_detail, name="centre-detail"),
    path("kommunen/<int:pk>/", views.municipality_detail, name="municipality-detail"),
    path("partner/", views.partner_list, name="partner-list"),
    path("partner/<int:pk>/", views.partner_detail, name="partner-detail"),
]
