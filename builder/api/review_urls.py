"""Routes of the reviewer actions' REST twin (included under ``/api/``)."""

from __future__ import annotations

from django.urls import path

from builder.api.review import ThreadReviewView

urlpatterns = [
    path("threads/<str:thread_id>/review/", ThreadReviewView.as_view(), name="thread-review"),
]
