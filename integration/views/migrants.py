from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from integration.models import Migrant


def migrant_list(request: HttpRequest) -> HttpResponse:
    migrants = Migrant.objects.visible_to(request.user).select_related("counsellor")[:50]
    return render(request, "integration/migrant_list.html", {"migrants": migrants})


urlpatterns = [
    path("", migrant_list, name="migrant-list"),
]
