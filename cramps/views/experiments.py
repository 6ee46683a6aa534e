"""Personal experiments: the list, a new one, one experiment's page, stop and delete.

Thin: each view fetches through `_own` (404 to anyone else), validates with the model's rules
and saves. Finished experiments are settled on the way in (`Experiment.objects.settle`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cramps.forms.experiments import ExperimentForm
from cramps.insights import experiments as insights
from cramps.models import Experiment
from cramps.models.experiments import eligible_habits


def _own(request, pk):
    Experiment.objects.settle(request.user)
    qs = Experiment.objects.for_user(request.user).select_related("habit", "user")
    return get_object_or_404(qs, pk=pk)


@login_required
def experiment_list(request):
    user = request.user
    Experiment.objects.settle(user)
    experiments = list(Experiment.objects.for_user(user).select_related("habit"))
    current = next((e for e in experiments if e.is_running), None)
    context = {
        "experiments": experiments,
        "current": current,
        "tonight": insights.block_line(current, user.local_today()) if current else "",
        "habits": eligible_habits(),
    }
    return render(request, "cramps/experiments/list.html", context)


@login_required
def experiment_new(request):
    user = request.user
    if request.method == "POST":
        # A finished experiment makes room before the form checks the one-running rule.
        Experiment.objects.settle(user)
        form = ExperimentForm(request.POST, user=user)
        if form.is_valid():
            try:
                experiment = form.save()
            except ValidationError as error:
                # Another request started one since the form was checked: nothing was saved.
                form.add_error(None, error)
            else:
                messages.success(request, _("Experiment started. Tonight's block is on its page."))
                return redirect("cramps:experiment", pk=experiment.pk)
    else:
        slug = request.GET.get("habit", "")
        initial = {"habit": slug} if eligible_habits().filter(slug=slug).exists() else {}
        form = ExperimentForm(initial=initial, user=user)
    context = {"form": form, "habits": eligible_habits(), "pregnant": user.pregnant}
    return render(request, "cramps/experiments/new.html", context)


@login_required
def experiment_detail(request, pk):
    experiment = _own(request, pk)
    report = insights.report_for(experiment)
    context = {
        "experiment": experiment,
        "report": report,
        "tonight": insights.block_line(experiment, request.user.local_today())
        if experiment.is_running
        else "",
    }
    return render(request, "cramps/experiments/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def experiment_stop(request, pk):
    experiment = _own(request, pk)
    if request.method == "POST":
        try:
            experiment.stop()
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Experiment stopped."))
        return redirect("cramps:experiment", pk=experiment.pk)
    return render(request, "cramps/experiments/confirm_stop.html", {"experiment": experiment})


@login_required
@require_http_methods(["GET", "POST"])
def experiment_delete(request, pk):
    experiment = _own(request, pk)
    if request.method == "POST":
        experiment.delete()
        messages.success(request, _("Experiment deleted. Your logs are kept."))
        return redirect("cramps:experiments")
    return render(request, "cramps/experiments/confirm_delete.html", {"experiment": experiment})
