"""The single Django app of the project (label ``builder``)."""

from __future__ import annotations

from django.apps import AppConfig


class BuilderConfig(AppConfig):
    name = "builder"
    label = "builder"
    verbose_name = "Switchyard builder"
    default_auto_field = "django.db.models.BigAutoField"
