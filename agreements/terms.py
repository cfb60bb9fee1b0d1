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
