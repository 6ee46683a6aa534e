from django.contrib.auth import views as auth_views
from django.urls import path

from cramps.views import account

urlpatterns = [
    path("signup/", account.signup, name="signup"),
    path("profile/", account.profile, name="profile"),
]

# Django's own login, logout, password change and reset views, outside the app namespace so that
# their built-in redirects (`password_reset_done`, ...) resolve.
auth_urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
