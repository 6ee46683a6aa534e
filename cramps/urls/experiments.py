from django.urls import path

from cramps.views import experiments

urlpatterns = [
    path("experiments/", experiments.experiment_list, name="experiments"),
    path("experiments/new/", experiments.experiment_new, name="experiment_new"),
    path("experiments/<int:pk>/", experiments.experiment_detail, name="experiment"),
    path("experiments/<int:pk>/stop/", experiments.experiment_stop, name="experiment_stop"),
    path("experiments/<int:pk>/delete/", experiments.experiment_delete, name="experiment_delete"),
]
