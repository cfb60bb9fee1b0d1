"""Which fields are the terms of an agreement: what both sides sign.

The draft's edit forms may change exactly these, the services accept exactly these, and
the version comparison shows them. A change of any of them on a signed version is an
amendment, signed again; a step's status is progress, not a term.
"""

# The starting situation, written as text (the edit form gives each a text area).
SITUATION_TERMS = (
    "situation_language",
    "situation_schooling",
    "situation_residence",
    "situation_family",
    "situation_work",
    "strengths",
)
AGREEMENT_TERMS = (
    *SITUATION_TERMS,
    "valid_from",
    "valid_until",
    "review_interval_months",
    "document_language",
    "interpreter_present",
    "interpreter_name",
)
GOAL_TERMS = ("area", "text", "text_own_words", "priority", "target_date")
STEP_TERMS = ("description", "responsible", "partner", "offer", "due_on")

# What moves on between reviews without a new signature (agreements.services.lifecycle
# `record_step_progress`, and a review's outcomes): shown as progress, never as a change of
# terms. The agreed due date stays as signed; a postponement has its own date.
GOAL_PROGRESS = ("status",)
STEP_PROGRESS = ("status", "status_on", "progress_note", "postponed_to")
