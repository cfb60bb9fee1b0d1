from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from agreements.models import Agreement


def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = (
        Agreement.objects.visible_to(request.user)
        .current()
        .select_related("migrant", "counsellor")[:50]
    )
    return render(request, "agreements/agreement_list.html", {"agreements": agreements})


urlpatterns = [
    path("", agreement_list, name="list"),
]
