from django.urls import path

from integration.mfa import views

app_name = "mfa"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("pruefen/", views.verify, name="verify"),
    path("einrichten/", views.setup, name="setup"),
    path("wiederherstellungscodes/", views.recovery_codes, name="recovery-codes"),
    path("team/<int:pk>/zuruecksetzen/", views.reset, name="reset"),
]
