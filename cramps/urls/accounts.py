from django.contrib.auth import views as auth_views
from django.urls import path

from cramps.forms import accounts as forms
from cramps.views import account, portability

urlpatterns = [
    path("signup/", account.signup, name="signup"),
    path("signup/sent/", account.signup_sent, name="signup_sent"),
    path("signup/confirm/<uidb64>/<token>/", account.signup_confirm, name="signup_confirm"),
    path("profile/", account.profile, name="profile"),
    path("profile/token/", account.token_create, name="token_create"),
    path("profile/token/revoke/", account.token_revoke, name="token_revoke"),
    path("profile/export.json", portability.export_json, name="export_json"),
    path("profile/export.zip", portability.export_zip, name="export_zip"),
    path("profile/import/", portability.import_data, name="import_data"),
    path("profile/delete/", portability.delete_account, name="delete_account"),
]

# Django's own login, logout, password change and reset views, outside the app namespace so that
# their built-in redirects (`password_reset_done`, ...) resolve. Templates: templates/registration/.
auth_urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=forms.LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
