from django.urls import path

from . import views

urlpatterns = [
    path("records/<slug:key>/", views.records, name="records"),
]
