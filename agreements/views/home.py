from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from integration.services import start_page_items


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "agreements/home.html", start_page_items(user=request.user))


urlpatterns = [path("", home, name="home")]
