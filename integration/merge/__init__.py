"""Two records of one person made one (four eyes); see services.py."""

from integration.merge.services import (
    can_decide,
    decide_merge,
    merge_blockers,
    merge_records,
    request_merge,
)

__all__ = ["can_decide", "decide_merge", "merge_blockers", "merge_records", "request_merge"]
