"""Every model has a working admin (changelist and add page render)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db


def test_every_builder_model_is_registered_and_its_pages_render(admin_client, graph):
    for model in apps.get_app_config("builder").get_models():
        assert admin.site.is_registered(model), f"{model.__name__} has no admin"
        base = f"/admin/builder/{model._meta.model_name}/"
        assert admin_client.get(base).status_code == 200, base
        assert admin_client.get(base + "add/").status_code == 200, base


def test_a_published_version_is_read_only_in_the_admin(admin_client, graph):
    from builder.services.graphs import graph_version_publish

    version = graph_version_publish(graph=graph)
    page = admin_client.get(f"/admin/builder/graphversion/{version.pk}/change/")
    assert page.status_code == 200
    assert 'name="note"' not in page.content.decode()
