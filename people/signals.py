"""What the people app tells the layers above it about a case.

The people app sits below agreements and must not import it; a case's agreements follow
the case through these signals. They are sent inside the service's transaction, so a
receiver's writes commit or roll back with the case's, and a receiver that refuses
(raises) refuses the whole change.
"""

from django.dispatch import Signal

# Sent with migrants (a list of Migrant), to_counsellor, user and reason
# (the text the history rows carry, e.g. "case handed over to Lea Berg").
case_handed_over = Signal()

# Sent with migrant, user, closed_on, reason (a ClosureReason value) and note.
case_closed = Signal()
