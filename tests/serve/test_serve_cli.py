"""The serve and watch commands: safe defaults and coded errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from newsevents.cli import cli
from newsevents.errors import InputError
from newsevents.serve.server import REMOTE_WARNING, check_host, is_loopback


def test_loopback_hosts_need_no_flag():
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1"):
        assert is_loopback(host) and check_host(host, allow_remote=False) is None


def test_other_hosts_need_allow_remote_and_get_a_warning():
    for host in ("0.0.0.0", "192.168.1.10", "::", "example.org"):
        with pytest.raises(InputError, match="E606"):
            check_host(host, allow_remote=False)
        assert check_host(host, allow_remote=True) == REMOTE_WARNING.format(host=host)


def test_serve_refuses_a_public_host_without_the_flag(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "x.duckdb"),
                                      "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "E606" in result.output


def test_serve_needs_an_existing_database(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 2 and "E301" in result.output


def test_watch_rejects_a_bad_interval_and_a_bad_source(tmp_path):
    db = str(tmp_path / "w.duckdb")
    result = CliRunner().invoke(cli, ["watch", "http://127.0.0.1:9/feed", "--db", db,
                                      "--every", "soon"])
    assert result.exit_code == 2 and "E651" in result.output
    result = CliRunner().invoke(cli, ["watch", str(tmp_path / "nope.xml"), "--db", db])
    assert result.exit_code == 2 and "E652" in result.output
