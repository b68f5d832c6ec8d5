"""The CI rule on skips (tests/conftest.py): a skip fails unless the README allows it."""

from __future__ import annotations

from pathlib import Path

pytest_plugins = ["pytester"]

RULE = Path(__file__).with_name("conftest.py").read_text()


def _run(pytester, monkeypatch, readme_list: str, *, flag: bool = True):
    pytester.makefile(
        ".md",
        README=f"<!-- skips allowed in CI: begin -->\n{readme_list}<!-- skips allowed in CI: end -->\n",
    )
    assert "parents[1] / " in RULE  # the README beside the conftest, in the sample project
    pytester.makeconftest(RULE.replace("parents[1] / ", "parents[0] / "))
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        test_sample="""
import pytest

def test_runs():
    assert 1 + 1 == 2

@pytest.mark.skip(reason="no Redis at REDIS_URL")
def test_needs_redis():
    pass
"""
    )
    if flag:
        monkeypatch.setenv("FAIL_ON_SKIP", "1")
    else:
        monkeypatch.delenv("FAIL_ON_SKIP", raising=False)
    return pytester.runpytest_inprocess("-p", "no:django", "-p", "no:cacheprovider")


def test_a_skip_the_readme_does_not_allow_fails_the_session(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*test_needs_redis: *no Redis at REDIS_URL*"])


def test_a_skip_the_readme_allows_passes(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "- `no Redis at`: a reason\n")
    assert result.ret == 0
    result.assert_outcomes(passed=1, skipped=1)


def test_without_the_flag_skips_are_only_reported(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "", flag=False)
    assert result.ret == 0
    result.assert_outcomes(passed=1, skipped=1)
