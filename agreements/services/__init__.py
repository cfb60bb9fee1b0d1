"""Business rules for agreements, one module per concern; all writes in transactions.

- drafting: create, edit goals and steps, sign (state change), amend, complete, end early
- signing: freeze the PDF of a version, scans, verification codes
- reviews: reviews, reminders
"""
