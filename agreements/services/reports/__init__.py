"""Figures for supervisors and evaluators, counted by the database.

- scopes: which centres a page covers (a centre, or a supervisor's centres in a municipality)
- dashboard: the supervisor dashboard per counsellor and centre, and the lists behind it
- evaluation: the model project's evaluation figures for a period and a set of centres
- snapshots: each centre's evaluation figures kept and added up
- tables: counted tables with small-cell suppression
- export: the pseudonymised CSV/XLSX export, logged per centre
"""

from agreements.services.reports.dashboard import Dashboard, dashboard, figure_queryset
from agreements.services.reports.evaluation import Evaluation
from agreements.services.reports.export import FORMATS, ExportFile, export_evaluation
from agreements.services.reports.scopes import (
    Scope,
    member_scopes,
    pick_scope,
    supervisor_scopes,
)
from agreements.services.reports.snapshots import evaluation

__all__ = [
    "FORMATS",
    "Dashboard",
    "Evaluation",
    "ExportFile",
    "Scope",
    "dashboard",
    "evaluation",
    "export_evaluation",
    "figure_queryset",
    "member_scopes",
    "pick_scope",
    "supervisor_scopes",
]
