from django.urls import path

from . import import_views

app_name = "imports"
urlpatterns = [
    path("<slug:kind>/", import_views.start, name="start"),
    path("<slug:kind>/template.xlsx", import_views.template, name="template"),
    path("jobs/<int:pk>/", import_views.job, name="job"),
    path("jobs/<int:pk>/confirm/", import_views.confirm, name="confirm"),
]
