"""LangGraph Server's store: items by (namespace, key), search, namespaces.

The store of a request is its workspace's (the API key's, the ``X-Workspace`` header's,
or the caller's first); reads need the viewer role, writes the reviewer role.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from builder.api.views.base import ApiView, JSONObjectField, OffsetField
from builder.execution.driver import jsonable
from builder.store import DjangoStore
from runtime.store.base import filter_problems

TAGS = ["store"]


def _namespace_label(label: Any) -> str:
    if not isinstance(label, str) or not label or "." in label:
        raise serializers.ValidationError("namespace labels are non-empty strings without '.'")
    return label


class ItemOutput(serializers.Serializer):
    namespace = serializers.ListField(child=serializers.CharField())
    key = serializers.CharField()
    value = serializers.JSONField()
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


def item_dict(item: Any, *, searched: bool = False) -> dict[str, Any]:
    """An item as LangGraph Server sends it: a search result has a ``score`` (null
    without a semantic query), a fetched item has none."""
    body = item.dict()
    body["value"] = jsonable(body["value"])
    if searched:
        body["score"] = body.get("score")
    else:
        body.pop("score", None)
    return body


class StoreItemsView(ApiView):
    class PutInput(serializers.Serializer):
        namespace = serializers.ListField(
            child=serializers.CharField(validators=[_namespace_label]), min_length=1
        )
        key = serializers.CharField(max_length=1000)
        value = JSONObjectField()
        index = serializers.JSONField(required=False, allow_null=True)
        ttl = serializers.FloatField(required=False, allow_null=True)

        def validate_index(self, value: Any) -> Any:
            # The store has no vector index: "do not index" is all it can honour.
            if value not in (None, False):
                raise serializers.ValidationError(
                    "semantic indexing is not available on this server: "
                    "send index false or leave it out"
                )
            return value

        def validate_ttl(self, value: float | None) -> float | None:
            if value is not None:
                raise serializers.ValidationError(
                    "items do not expire on this server: leave ttl out"
                )
            return value

    class GetInput(serializers.Serializer):
        namespace = serializers.CharField(help_text="labels joined by '.'")
        key = serializers.CharField()
        refresh_ttl = serializers.BooleanField(required=False)

    class DeleteInput(serializers.Serializer):
        namespace = serializers.ListField(
            child=serializers.CharField(validators=[_namespace_label]), min_length=1
        )
        key = serializers.CharField()

    def _store(self, action: str) -> DjangoStore:
        return DjangoStore(self.scope.default_workspace(action))  # type: ignore[arg-type]

    @extend_schema(tags=TAGS, request=PutInput, responses={204: None}, operation_id="put_item")
    def put(self, request: Any) -> Response:
        data = self.parse(self.PutInput)
        self._store("act").put(data["namespace"], data["key"], data["value"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("namespace", str, required=True),
            OpenApiParameter("key", str, required=True),
        ],
        responses=ItemOutput,
        operation_id="get_item",
    )
    def get(self, request: Any) -> HttpResponse:
        data = self.query(self.GetInput)
        namespace = data["namespace"].split(".")
        item = self._store("read").get(namespace, data["key"])
        # A missing key is null, as LangGraph Server answers (the SDKs return it).
        if item is None:
            # DRF renders None as an empty body; the SDKs parse the body as JSON.
            return HttpResponse(b"null", content_type="application/json")
        return Response(item_dict(item))

    @extend_schema(
        tags=TAGS, request=DeleteInput, responses={204: None}, operation_id="delete_item"
    )
    def delete(self, request: Any) -> Response:
        data = self.parse(self.DeleteInput)
        self._store("act").delete(data["namespace"], data["key"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class StoreSearchView(ApiView):
    class Input(serializers.Serializer):
        namespace_prefix = serializers.ListField(
            child=serializers.CharField(validators=[_namespace_label]), required=False
        )
        filter = JSONObjectField(required=False, allow_null=True)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=10)
        offset = OffsetField()
        query = serializers.CharField(required=False, allow_null=True, allow_blank=True)
        refresh_ttl = serializers.BooleanField(required=False, allow_null=True)

        def validate_filter(self, value: dict[str, Any] | None) -> dict[str, Any] | None:
            # Refused whether or not any item would reach the operator.
            problems = filter_problems(value)
            if problems:
                raise serializers.ValidationError({k: [m] for k, m in problems.items()})
            return value

    @extend_schema(
        tags=TAGS,
        request=Input,
        responses=inline_serializer("SearchItems", {"items": ItemOutput(many=True)}),
        operation_id="search_items",
    )
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        store = DjangoStore(self.scope.default_workspace("read"))
        items = store.search(
            tuple(data.get("namespace_prefix") or ()),
            query=data.get("query") or None,
            filter=data.get("filter"),
            limit=data["limit"],
            offset=data["offset"],
        )
        return Response({"items": [item_dict(i, searched=True) for i in items]})


class StoreNamespacesView(ApiView):
    class Input(serializers.Serializer):
        prefix = serializers.ListField(child=serializers.CharField(), required=False)
        suffix = serializers.ListField(child=serializers.CharField(), required=False)
        max_depth = serializers.IntegerField(required=False, min_value=1, allow_null=True)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)
        offset = OffsetField()

    @extend_schema(
        tags=TAGS,
        request=Input,
        responses=inline_serializer(
            "Namespaces",
            {"namespaces": serializers.ListField(child=serializers.ListField())},
        ),
        operation_id="list_namespaces",
    )
    def post(self, request: Any) -> Response:
        data = self.parse(self.Input)
        store = DjangoStore(self.scope.default_workspace("read"))
        namespaces = store.list_namespaces(
            prefix=data.get("prefix") or None,
            suffix=data.get("suffix") or None,
            max_depth=data.get("max_depth"),
            limit=data["limit"],
            offset=data["offset"],
        )
        return Response({"namespaces": [list(ns) for ns in namespaces]})
