"""The content fingerprint a printed agreement carries; pure Python, no WeasyPrint.

Apart from agreements.pdf so the services that compare it and the migration that filled it
do not load the PDF renderer.
"""

from __future__ import annotations

import hashlib
import json


def content_fingerprint(agreement) -> str:
    """SHA-256 over the canonical JSON of what the parties agree on in this version.

    A PDF cannot print the hash of its own bytes, so the footer prints this fingerprint of
    the content; the hash of the PDF bytes is stored beside the frozen file.
    """
    goals = [
        {
            "key": str(goal.key),
            "area": goal.area,
            "text": goal.text,
            "own_words": goal.text_own_words,
            "target": goal.target_date.isoformat() if goal.target_date else None,
            "steps": [
                {
                    "key": str(step.key),
                    "what": step.description,
                    "who": step.responsible,
                    "partner": step.partner_id,
                    "offer": step.offer_id,
                    "due": step.due_on.isoformat() if step.due_on else None,
                }
                for step in goal.steps.all()
            ],
        }
        for goal in agreement.goals.all()
    ]
    document = {
        "number": agreement.number,
        "version": agreement.version,
        "migrant": agreement.migrant_id,
        "situation": [
            agreement.situation_language,
            agreement.situation_schooling,
            agreement.situation_residence,
            agreement.situation_family,
            agreement.situation_work,
            agreement.strengths,
        ],
        "review_months": agreement.review_interval_months,
        "language": agreement.document_language,
        "goals": goals,
    }
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
