"""API URLs: /api/v1/ (one router), /api/schema/ (OpenAPI), /api/docs/ (Swagger UI, no CDN)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import account, docs, experiments, insights, views

router = DefaultRouter()
router.register("cramps", views.CrampEpisodeViewSet, basename="api-cramps")
router.register("hydration", views.HydrationEntryViewSet, basename="api-hydration")
router.register("intake", views.IntakeEntryViewSet, basename="api-intake")
router.register("stretches", views.StretchEntryViewSet, basename="api-stretches")
router.register("exercise", views.ExerciseSessionViewSet, basename="api-exercise")
router.register("checkins", views.CheckInViewSet, basename="api-checkins")
router.register("techniques", views.ReliefTechniqueViewSet, basename="api-techniques")
router.register("tips", views.PreventionTipViewSet, basename="api-tips")
router.register("red-flags", views.RedFlagViewSet, basename="api-red-flags")
router.register("foods", views.FoodItemViewSet, basename="api-foods")
router.register("experiments", experiments.ExperimentViewSet, basename="api-experiments")

urlpatterns = [
    path("v1/totals/", views.day_totals, name="api-totals"),
    path("v1/", include(router.urls)),
    path("v1/", include(insights.urlpatterns)),
    path("v1/account/export.json", account.ExportJSONView.as_view(), name="api-export-json"),
    path("v1/account/export.zip", account.ExportZipView.as_view(), name="api-export-zip"),
    path("v1/account/import/", account.ImportView.as_view(), name="api-import"),
    path("v1/account/delete/", account.DeleteAccountView.as_view(), name="api-delete-account"),
    # Anything else under v1/ (an id that is not a number, a typo) is a JSON 404, not a page.
    re_path(r"^v1/", views.not_found),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Our own page from the schema: accessible, in the site's theme, no JavaScript needed.
    path("docs/", docs.api_docs, name="api-docs"),
    # The split view serves its start-up script as a file: no inline <script> for the CSP.
    path(
        "docs/swagger/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-swagger",
    ),
]
