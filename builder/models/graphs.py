"""Graphs (an editable draft), their immutable published versions, and assistants."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from builder.models.workspaces import Workspace


class GraphSource(models.TextChoices):
    SPEC = "spec"  # built in the browser: a GraphSpec JSON document
    CODE = "code"  # defined in Python and listed in GRAPHS_CONFIG (read-only canvas)


class Graph(models.Model):
    """A graph being designed. ``draft`` is edited in place; ``draft_revision`` grows by one
    on every save so that two editors cannot overwrite each other silently."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="graphs")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    draft = models.JSONField(default=dict, blank=True)
    draft_revision = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=8, choices=GraphSource.choices, default=GraphSource.SPEC)
    # For code graphs: the graph id in GRAPHS_CONFIG.
    code_ref = models.CharField(max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workspace_id", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="graph_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id}/{self.slug}"


class ImmutableVersionError(Exception):
    """A published graph version was about to be changed."""


class GraphVersion(models.Model):
    """A published snapshot of a graph's spec; runs point at one, so it never changes."""

    graph = models.ForeignKey(Graph, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    spec = models.JSONField()
    note = models.TextField(blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["graph_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["graph", "number"], name="graphversion_unique_number"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Refuse in the model too, not only in services: the admin and shell save models.
        if not self._state.adding:
            raise ImmutableVersionError(f"graph version {self.pk} is published and immutable")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.graph_id} v{self.number}"


class Assistant(models.Model):
    """A graph (a pinned version, or the latest when ``graph_version`` is empty) with
    configuration, in LangGraph Server's sense."""

    assistant_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="assistants")
    graph = models.ForeignKey(Graph, on_delete=models.CASCADE, related_name="assistants")
    graph_version = models.ForeignKey(
        GraphVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="assistants"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    config = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    # The active version (LangGraph's ``version``): the row's fields are a copy of that
    # AssistantVersion, so runs and GET read the assistant without a join.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.assistant_id})"


class AssistantVersion(models.Model):
    """One immutable state of an assistant, as LangGraph Server keeps them: every update
    adds a version; ``set_latest`` copies any of them back onto the assistant."""

    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    graph = models.ForeignKey(Graph, on_delete=models.CASCADE, related_name="+")
    graph_version = models.ForeignKey(
        GraphVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    config = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assistant_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assistant", "version"], name="assistantversion_unique_version"
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError(f"assistant version {self.pk} is immutable")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.assistant_id} v{self.version}"
