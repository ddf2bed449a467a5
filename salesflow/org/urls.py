from django.urls import path

from . import account_views, views

app_name = "org"
urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_edit, name="user_new"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_edit, name="team_new"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("regions/", views.region_list, name="regions"),
    path("regions/new/", views.region_edit, name="region_new"),
    path("regions/<int:pk>/", views.region_edit, name="region_edit"),
    path("users/<int:pk>/password/", account_views.password_reset_by_admin, name="user_password"),
    path("account/", views.account, name="account"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
