from django.http import HttpResponse, JsonResponse
from django.urls import path


def index(request):
    return HttpResponse("Hello from django-app")


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", index),
    path("health/", health),
]
