from django.urls import path

from agreements.views import agreements, lifecycle, reports, reviews, signing, verification

app_name = "agreements"

urlpatterns = [
    path("", agreements.agreement_list, name="list"),
    path("neu/<int:migrant_pk>/", agreements.agreement_create, name="create"),
    path("<int:pk>/", agreements.agreement_detail, name="detail"),
    path("<int:pk>/bearbeiten/", agreements.agreement_edit, name="edit"),
    path("<int:pk>/ziele/neu/", agreements.goal_add, name="goal-add"),
    path("ziele/<int:pk>/bearbeiten/", agreements.goal_edit, name="goal-edit"),
    path("ziele/<int:pk>/loeschen/", agreements.goal_delete, name="goal-delete"),
    path("ziele/<int:pk>/verschieben/<str:direction>/", agreements.goal_move, name="goal-move"),
    path("ziele/<int:pk>/schritte/neu/", agreements.step_add, name="step-add"),
    path("schritte/<int:pk>/bearbeiten/", agreements.step_edit, name="step-edit"),
    path("schritte/<int:pk>/loeschen/", agreements.step_delete, name="step-delete"),
    path("schritte/<int:pk>/verschieben/<str:direction>/", agreements.step_move, name="step-move"),
    path("<int:pk>/aendern/", lifecycle.agreement_amend, name="amend"),
    path("<int:pk>/beenden/", lifecycle.agreement_end, name="end"),
    path("<int:pk>/verwerfen/", lifecycle.agreement_discard, name="discard"),
    path("<int:pk>/versionen/", lifecycle.agreement_history, name="history"),
    path("<int:pk>/vergleich/", lifecycle.agreement_compare, name="compare"),
    path("<int:pk>/unterschrift/", signing.sign, name="sign"),
    path("<int:pk>/unterschrift/vorbereiten/", signing.prepare, name="prepare"),
    path("<int:pk>/unterschrift/zuruecknehmen/", signing.unprepare, name="unprepare"),
    path("<int:pk>/unterschrift/pdf/", signing.frozen_pdf, name="pdf"),
    path("<int:pk>/vorschau.pdf", signing.preview_pdf, name="preview-pdf"),
    path("<int:pk>/unterschrift/scan/", signing.scan_upload, name="scan-upload"),
    path("<int:pk>/unterschrift/scan/herunterladen/", signing.scan_download, name="scan-download"),
    path("pruefen/", verification.verify, name="verify"),
    path("<int:agreement_pk>/ueberpruefung/neu/", reviews.review_add, name="review-add"),
    path("ueberpruefungen/<int:pk>/", reviews.review_detail, name="review-detail"),
    path("ueberpruefungen/faellig/", reviews.reviews_due, name="reviews-due"),
    path("schritte/ueberfaellig/", reviews.steps_due, name="steps-due"),
    path("uebersicht/", reports.dashboard, name="dashboard"),
    path("uebersicht/liste/", reports.dashboard_list, name="dashboard-list"),
    path("auswertung/", reports.evaluation, name="evaluation"),
    path("auswertung/export/", reports.evaluation_export, name="evaluation-export"),
]
