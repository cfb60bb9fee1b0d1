from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agreements.services.reminders import home_items
from people.services import start_page_items


def home(request: HttpRequest) -> HttpResponse:
    context = start_page_items(user=request.user)
    context.update(home_items(user=request.user))
    return render(request, "agreements/home.html", context)
