"""Business rules for agreements, one module per concern; all writes in transactions.

- drafting: a draft's own fields, its goals and steps and their order
- lifecycle: prepare for signing, sign, amend, complete, end early, discard
- documents: the frozen PDF of a version, scans, verification codes
- scans: what an uploaded scan really is (type, completeness, active parts, bounds)
- reviews: reviews, reminders
- cases: what handing over, closing and anonymising a case do to its agreements
- common: the row lock, draft rule and revision the first two share
"""
