"""Items of the long-term memory store (LangGraph's BaseStore), per workspace."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from builder.models.workspaces import Workspace

# Namespace labels are joined with this separator; LangGraph forbids "." inside labels,
# so the joined form is unambiguous and readable in the admin.
NAMESPACE_SEPARATOR = "."


class StoreItem(models.Model):
    """A JSON document under (namespace, key).

    ``namespace`` is the tuple joined by ``.``; ``namespace_prefix`` is the same with a
    trailing ``.`` so that a prefix search for ("a", "b") is ``startswith("a.b.")`` and does
    not match ("a", "bc").
    """

    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="store_items"
    )
    namespace = models.CharField(max_length=1000)
    namespace_prefix = models.CharField(max_length=1001, db_index=True)
    key = models.CharField(max_length=1000)
    value = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["namespace", "key"]
        constraints = [
            # Two partial constraints instead of one: NULL workspaces are distinct in SQL.
            models.UniqueConstraint(
                fields=["workspace", "namespace", "key"],
                condition=Q(workspace__isnull=False),
                name="storeitem_unique_in_workspace",
            ),
            models.UniqueConstraint(
                fields=["namespace", "key"],
                condition=Q(workspace__isnull=True),
                name="storeitem_unique_global",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.namespace}/{self.key}"
