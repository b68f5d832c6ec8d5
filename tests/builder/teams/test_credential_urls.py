"""Provider base URLs are not a way into the server's network (SSRF): link-local and
metadata addresses never, private and loopback hosts only with
LLM_ALLOW_PRIVATE_BASE_URL, public hosts only over https; checked when the credential is
saved and again before each provider request (DNS answers change)."""

from __future__ import annotations

import socket

import pytest

from builder import models as m
from builder.execution.credentials import run_registry
from builder.services.credentials import credential_create
from builder.services.errors import InvalidInput
from runtime.providers import ChatRequest, ProviderError, check_base_url
from tests.builder.api.conftest import assert_error
from tests.builder.teams.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/api/workspaces/acme/credentials/"


def _save(team, base_url, name="n"):
    body = {
        "provider": "openai",
        "name": name,
        "secret": "sk-0123456789abcdef",
        "base_url": base_url,
    }
    return client_for(team["owner"]).post(URL, body, format="json")


@pytest.fixture
def dns(monkeypatch):
    """``dns["host"] = "1.2.3.4"``: what getaddrinfo answers for a host name."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        if host in ("127.0.0.1", "::1") or host.replace(".", "").isdigit():
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(f"no such host {host}")

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers


@pytest.mark.parametrize(
    "base_url, says",
    [
        ("http://169.254.169.254/latest", "link-local or metadata"),
        ("https://169.254.169.254/latest", "link-local or metadata"),
        ("http://[fe80::1]/v1", "link-local or metadata"),
        ("http://[::ffff:169.254.169.254]/", "link-local or metadata"),
        ("http://100.100.100.200/", "link-local or metadata"),
        ("http://127.0.0.1:11434/v1", "LLM_ALLOW_PRIVATE_BASE_URL"),
        ("http://10.0.0.5/v1", "LLM_ALLOW_PRIVATE_BASE_URL"),
        ("http://[::1]/v1", "LLM_ALLOW_PRIVATE_BASE_URL"),
        ("http://metadata.internal/v1", "link-local or metadata"),
        ("http://llm.example.com/v1", "use https"),
        ("http://8.8.8.8/v1", "use https"),
        ("http://nowhere.test/v1", "use https"),
        ("ftp://llm.example.com/v1", "only http and https"),
    ],
)
def test_unsafe_base_urls_are_refused(team, dns, base_url, says):
    dns["metadata.internal"] = "169.254.169.254"
    dns["llm.example.com"] = "93.184.216.34"
    error = assert_error(_save(team, base_url), 400, "invalid")
    assert [f["path"] for f in error["fields"]] == ["/base_url"]
    assert says in error["fields"][0]["message"], error
    assert not m.ProviderCredential.objects.exists()


def test_link_local_stays_refused_with_private_allowed(team, dns, settings):
    settings.BUILDER = {**settings.BUILDER, "LLM_ALLOW_PRIVATE_BASE_URL": True}
    assert_error(_save(team, "http://169.254.169.254/latest"), 400)
    assert _save(team, "http://127.0.0.1:11434/v1").status_code == 201  # e.g. Ollama
    assert _save(team, "http://10.1.2.3/v1", name="lan").status_code == 201


def test_public_https_is_accepted(team, dns):
    dns["llm.example.com"] = "93.184.216.34"
    assert _save(team, "https://llm.example.com/v1").status_code == 201
    assert _save(team, "", name="default").status_code == 201  # no base URL: nothing to check


def test_the_service_refuses_too(team):
    with pytest.raises(InvalidInput, match="link-local"):
        credential_create(
            workspace=team["acme"],
            provider="openai",
            name="x",
            secret="sk-0123456789",
            base_url="http://169.254.169.254/",
        )


def test_checked_again_before_each_request(team, dns):
    """A host that was public when saved and now resolves to the metadata service."""
    dns["llm.example.com"] = "93.184.216.34"
    assert _save(team, "https://llm.example.com/v1").status_code == 201
    settings_ = run_registry(team["acme"].pk).provider_settings("openai")
    check_base_url(settings_)  # still public: no error
    dns["llm.example.com"] = "169.254.169.254"
    with pytest.raises(ProviderError, match="link-local"):
        check_base_url(settings_)
    del dns["llm.example.com"]
    with pytest.raises(ProviderError, match="cannot resolve"):
        check_base_url(settings_)


def test_llm_node_checks_before_calling_the_provider(team, dns, monkeypatch):
    from runtime.graphspec.kinds import llm as llm_kind
    from runtime.graphspec.registry import default_registry

    dns["llm.example.com"] = "93.184.216.34"
    assert _save(team, "https://llm.example.com/v1").status_code == 201
    dns["llm.example.com"] = "10.0.0.1"
    called: list[ChatRequest] = []
    monkeypatch.setattr(llm_kind, "get_provider", lambda name: lambda r, e: called.append(r))
    registry = run_registry(team["acme"].pk)
    assert registry is not default_registry()

    class Ctx:
        node_id = "llm"
        fields: dict = {}

        def __init__(self):
            self.registry = registry

        def variables(self, state):
            return {"state": state}

        def render(self, text, state):
            return text

    node = llm_kind.build({"provider": "openai", "model": "m"}, Ctx())
    with pytest.raises(ProviderError, match="LLM_ALLOW_PRIVATE_BASE_URL"):
        node({"messages": [{"role": "user", "content": "hi"}]})
    assert called == []
