"""Models, one module per concept; everything is importable from ``builder.models``."""

from builder.models.apikeys import ApiKey
from builder.models.audit import AuditEntry
from builder.models.checkpoints import BlobKind, Checkpoint, CheckpointBlob, CheckpointWrite
from builder.models.crons import Cron
from builder.models.graphs import (
    Assistant,
    AssistantVersion,
    Graph,
    GraphSource,
    GraphVersion,
    ImmutableVersionError,
)
from builder.models.reviews import InterruptResolution
from builder.models.sharing import ShareLink
from builder.models.store import NAMESPACE_SEPARATOR, StoreItem
from builder.models.teams import CheckpointComment, Invitation, ProviderCredential
from builder.models.threads import (
    ACTIVE_RUN_STATUSES,
    DURABILITY_MODES,
    FINISHED_RUN_STATUSES,
    MultitaskStrategy,
    Run,
    RunEvent,
    RunStatus,
    Thread,
    ThreadStatus,
)
from builder.models.workspaces import Membership, Role, Workspace

__all__ = [
    "ACTIVE_RUN_STATUSES",
    "DURABILITY_MODES",
    "FINISHED_RUN_STATUSES",
    "NAMESPACE_SEPARATOR",
    "ApiKey",
    "Assistant",
    "AssistantVersion",
    "AuditEntry",
    "BlobKind",
    "Checkpoint",
    "CheckpointBlob",
    "CheckpointComment",
    "CheckpointWrite",
    "Cron",
    "Graph",
    "GraphSource",
    "GraphVersion",
    "ImmutableVersionError",
    "InterruptResolution",
    "Invitation",
    "Membership",
    "MultitaskStrategy",
    "ProviderCredential",
    "Role",
    "Run",
    "RunEvent",
    "RunStatus",
    "ShareLink",
    "StoreItem",
    "Thread",
    "ThreadStatus",
    "Workspace",
]
