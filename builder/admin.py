"""Django admin for every model: an operator's view, not the product UI."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from builder import models as m


class MembershipInline(admin.TabularInline):
    model = m.Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(m.Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "retention_days", "created_at"]
    search_fields = ["slug", "name"]
    inlines = [MembershipInline]


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username", "workspace__slug"]


@admin.register(m.Graph)
class GraphAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "workspace", "source", "draft_revision", "updated_at"]
    list_filter = ["source", "workspace"]
    search_fields = ["slug", "name"]
    readonly_fields = ["draft_revision", "created_at", "updated_at"]


@admin.register(m.GraphVersion)
class GraphVersionAdmin(admin.ModelAdmin):
    list_display = ["graph", "number", "author", "created_at"]
    list_filter = ["graph__workspace"]
    search_fields = ["graph__slug", "note"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Published versions are immutable: everything is read-only once saved.
        if obj is not None:
            return ["graph", "number", "spec", "note", "author", "created_at"]
        return ["created_at"]


@admin.register(m.Assistant)
class AssistantAdmin(admin.ModelAdmin):
    list_display = ["name", "assistant_id", "graph", "graph_version", "version", "updated_at"]
    list_filter = ["workspace"]
    search_fields = ["name", "assistant_id"]


class RunInline(admin.TabularInline):
    model = m.Run
    extra = 0
    fields = ["run_id", "status", "created_at", "finished_at", "attempt"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


@admin.register(m.Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["thread_id", "workspace", "graph", "status", "updated_at"]
    list_filter = ["status", "workspace"]
    search_fields = ["thread_id"]
    readonly_fields = ["next_event_seq", "created_at", "updated_at"]
    inlines = [RunInline]


@admin.register(m.Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["run_id", "thread", "status", "attempt", "worker", "created_at"]
    list_filter = ["status", "multitask_strategy"]
    search_fields = ["run_id", "thread__thread_id"]
    readonly_fields = ["created_at", "updated_at", "started_at", "finished_at", "heartbeat_at"]


@admin.register(m.RunEvent)
class RunEventAdmin(admin.ModelAdmin):
    list_display = ["thread", "seq", "type", "run", "created_at"]
    list_filter = ["type"]
    search_fields = ["thread__thread_id", "run__run_id"]


@admin.register(m.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["action", "actor", "workspace", "thread", "created_at"]
    list_filter = ["action", "workspace"]


@admin.register(m.StoreItem)
class StoreItemAdmin(admin.ModelAdmin):
    list_display = ["namespace", "key", "workspace", "updated_at"]
    list_filter = ["workspace"]
    search_fields = ["namespace", "key"]


@admin.register(m.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "workspace", "created_at", "revoked_at"]
    list_filter = ["workspace"]
    # The hash is useless to read and must never be edited by hand.
    exclude = ["hashed_key"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]


@admin.register(m.ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["thread", "created_by", "created_at", "expires_at", "revoked_at"]
    # ``token`` holds the SHA-256 of the link's token: useless to read, never hand-edited.
    exclude = ["token"]


@admin.register(m.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["workspace", "role", "created_by", "expires_at", "accepted_by", "revoked_at"]
    list_filter = ["workspace"]
    exclude = ["token_hash"]


@admin.register(m.ProviderCredential)
class ProviderCredentialAdmin(admin.ModelAdmin):
    list_display = ["workspace", "provider", "name", "hint", "created_at"]
    list_filter = ["workspace", "provider"]
    # Secrets are set through the API (which encrypts them), never shown or typed here.
    exclude = ["secret_encrypted"]
    readonly_fields = ["hint"]


@admin.register(m.Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["thread_id", "checkpoint_ns", "checkpoint_id", "parent_id", "ts"]
    search_fields = ["thread_id", "checkpoint_id"]


@admin.register(m.CheckpointBlob)
class CheckpointBlobAdmin(admin.ModelAdmin):
    list_display = ["thread_id", "checkpoint_ns", "channel", "version", "kind", "base"]
    search_fields = ["thread_id", "channel"]


@admin.register(m.CheckpointWrite)
class CheckpointWriteAdmin(admin.ModelAdmin):
    list_display = ["thread_id", "checkpoint_id", "task_id", "idx", "channel"]
    search_fields = ["thread_id", "checkpoint_id", "task_id"]


def _register_the_rest() -> None:
    """Give any model of the app without a bespoke admin a default one, so a new model
    is never missing from the admin."""
    from django.apps import apps

    for model in apps.get_app_config("builder").get_models():
        if not admin.site.is_registered(model):
            admin.site.register(model)


_register_the_rest()
