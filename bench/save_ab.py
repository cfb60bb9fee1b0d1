"""A/B of the draft save (issue 15): the hand-built save against Django's own.

    .venv/bin/python bench/save_ab.py [--url DATABASE_URL] [--runs 150]

A is the replaced code (one UPDATE ... WHERE status='draft' AND revision=n, the history row
written by hand, no post_save); B is the drafting service (locked read, `save()`, history
through simple-history's receiver). Both are swapped into the edit view, alternating
request by request under the same load, and the whole POST is timed (server time).
Writes draft saves into the database like `pages.py` does.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from common import DEFAULT_SMALL, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_SMALL)
    parser.add_argument("--runs", type=int, default=150)
    args = parser.parse_args()
    setup_django(args.url)
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from agreements.enums import AgreementStatus
    from agreements.forms.drafting import AgreementForm
    from agreements.models import Agreement
    from agreements.services import drafting
    from agreements.services.common import draft_refusal, revision_conflict
    from agreements.views import agreements as views
    from sites.errors import RuleError

    settings.ALLOWED_HOSTS = ["*"]
    columns = [f for f in Agreement._meta.concrete_fields if not f.primary_key]

    def hand_built(*, user, agreement, values, expected_revision):
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.revision = expected_revision + 1
        agreement._history_user = user
        with transaction.atomic(savepoint=False):
            written = {f.attname: f.pre_save(agreement, False) for f in columns}
            matched = Agreement.objects.filter(
                pk=agreement.pk, status=AgreementStatus.DRAFT, revision=expected_revision
            ).update(**written)
            if matched:
                Agreement.history.bulk_history_create([agreement], update=True)
        if matched:
            return agreement
        stored = Agreement.objects.only("status", "revision").filter(pk=agreement.pk).first()
        if stored is None:
            raise RuleError("discarded")
        raise draft_refusal(stored) or revision_conflict(stored, expected_revision)

    draft = (
        Agreement.objects.filter(status=AgreementStatus.DRAFT)
        .select_related("counsellor")
        .order_by("pk")
        .first()
    )
    client = Client()
    client.force_login(draft.counsellor)
    url = reverse("agreements:edit", args=[draft.pk])
    times: dict[str, list[float]] = {"A": [], "B": []}
    for number in range(args.runs + 5):
        for label, implementation in (("A", hand_built), ("B", drafting.update_agreement)):
            views.update_agreement = implementation
            initial = AgreementForm(instance=Agreement.objects.get(pk=draft.pk))
            data = {name: initial[name].value() for name in initial.fields}
            data = {name: "" if value is None else value for name, value in data.items()}
            data["review_interval_months"] = 1 + number % 6
            started = time.perf_counter()
            response = client.post(url, data)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 302:
                sys.exit(f"{label}: status {response.status_code}")
            if number >= 5:  # warm-up
                times[label].append(elapsed)
    for label, runs in times.items():
        print(f"{label} median {statistics.median(runs):.2f} ms (n={len(runs)})")
    a, b = statistics.median(times["A"]), statistics.median(times["B"])
    print(f"A saves {(b - a) / b * 100:.1f} % of B's server time")


if __name__ == "__main__":
    main()
