"""Model settings: flags > environment > briefgen.toml, and keys handled with care."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefgen.core.errors import ConfigError
from briefgen.model.config import ModelConfig, is_local_url, resolve_config, safe_url


def write_toml(folder: Path, body: str) -> None:
    (folder / "briefgen.toml").write_text(body, encoding="utf-8")


def test_no_model_anywhere_means_no_config(tmp_path: Path) -> None:
    assert resolve_config({}, cwd=tmp_path) is None
    assert resolve_config({"model": None, "no_cache": False}, cwd=tmp_path) is None


def test_flags_beat_env_beat_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml(tmp_path, '[model]\nname = "qwen-plus"\nbase_url = "http://localhost:1/v1"\nconcurrency = 2\n')
    assert resolve_config({}, cwd=tmp_path).model == "qwen-plus"  # type: ignore[union-attr]
    monkeypatch.setenv("BRIEFGEN_MODEL", "deepseek-chat")
    cfg = resolve_config({}, cwd=tmp_path)
    assert cfg is not None and cfg.model == "deepseek-chat" and cfg.concurrency == 2
    cfg = resolve_config({"model": "llama3", "concurrency": 8}, cwd=tmp_path)
    assert cfg is not None and cfg.model == "llama3" and cfg.concurrency == 8
    assert cfg.base_url == "http://localhost:1/v1" and cfg.temperature == 0.0


def test_remote_model_without_key_says_how_to_set_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_config({"model": "gpt-4o-mini"}, cwd=tmp_path)
    line = info.value.one_line()
    assert "OPENAI_API_KEY" in line and "--api-key-file" in line and "\n" not in line


def test_env_key_is_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-key-123456")
    cfg = resolve_config({"model": "gpt-4o-mini"}, cwd=tmp_path)
    assert cfg is not None and cfg.api_key is not None
    assert cfg.api_key.get_secret_value() == "sk-env-key-123456"
    assert "sk-env-key" not in repr(cfg) and "sk-env-key" not in str(cfg.public_settings())


def test_local_server_and_replay_need_no_key(tmp_path: Path) -> None:
    local = resolve_config({"model": "qwen2.5", "base_url": "http://127.0.0.1:11434/v1"}, cwd=tmp_path)
    assert local is not None and local.api_key is None and local.is_local
    replay = resolve_config({"replay": tmp_path}, cwd=tmp_path)
    assert replay is not None and replay.replay_dir == tmp_path


def test_dry_run_needs_no_key(tmp_path: Path) -> None:
    cfg = resolve_config({"model": "gpt-4o", "dry_run": True}, cwd=tmp_path)
    assert cfg is not None and cfg.dry_run


def test_key_file_must_be_private(tmp_path: Path) -> None:
    key = tmp_path / "key.txt"
    key.write_text("sk-file-key-987654\n")
    os.chmod(key, 0o644)
    with pytest.raises(ConfigError) as info:
        resolve_config({"model": "gpt-4o", "api_key_file": key}, cwd=tmp_path)
    assert "chmod 600" in info.value.one_line() and "sk-file" not in info.value.one_line()
    os.chmod(key, 0o600)
    cfg = resolve_config({"model": "gpt-4o", "api_key_file": key}, cwd=tmp_path)
    assert cfg is not None and cfg.api_key is not None
    assert cfg.api_key.get_secret_value() == "sk-file-key-987654"


def test_key_in_toml_is_refused(tmp_path: Path) -> None:
    write_toml(tmp_path, '[model]\nmodel = "gpt-4o"\napi_key = "sk-plain"\n')
    with pytest.raises(ConfigError) as info:
        resolve_config({}, cwd=tmp_path)
    assert "sk-plain" not in info.value.one_line()


def test_unknown_toml_key_and_bad_value(tmp_path: Path) -> None:
    write_toml(tmp_path, '[model]\nmodel = "m"\ntemprature = 0.2\n')
    with pytest.raises(ConfigError, match="temprature"):
        resolve_config({}, cwd=tmp_path)
    write_toml(tmp_path, '[model]\nmodel = "m"\nbase_url = "http://localhost/v1"\nconcurrency = 0\n')
    with pytest.raises(ConfigError, match="concurrency"):
        resolve_config({}, cwd=tmp_path)


def test_flag_names_from_the_cli(tmp_path: Path) -> None:
    flags = {"model": "m", "base_url": "http://localhost:8000/v1", "concurrency": 3, "dry_run": True,
             "budget_tokens": 5000, "no_cache": True, "record": tmp_path / "rec", "timeout": 12.0}
    cfg = resolve_config(flags, cwd=tmp_path)
    assert cfg is not None
    assert (cfg.concurrency, cfg.dry_run, cfg.budget_tokens, cfg.no_cache, cfg.timeout) == (3, True, 5000, True, 12.0)
    assert cfg.record_dir == tmp_path / "rec"


def test_default_cache_dir_follows_briefgen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFGEN_HOME", str(tmp_path / "bh"))
    assert ModelConfig(model="m").cache_dir == tmp_path / "bh" / "cache"


def test_url_helpers() -> None:
    assert is_local_url("http://localhost:11434/v1") and is_local_url("http://127.0.0.1:8000")
    assert not is_local_url("https://api.deepseek.com/v1") and not is_local_url(None)
    assert safe_url("https://user:pw@host.example/v1?key=abc") == "https://host.example/v1"


def test_key_going_to_a_project_base_url_is_announced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    write_toml(tmp_path, '[model]\nbase_url = "https://llm.example.org/v1"\n')
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdefgh")
    cfg = resolve_config({"model": "gpt-4o-mini"}, cwd=tmp_path)
    assert cfg is not None and cfg.endpoint == "https://llm.example.org/v1"
    err = capsys.readouterr().err
    assert "the API key from OPENAI_API_KEY goes to https://llm.example.org/v1" in err
    assert "briefgen.toml" in err and "abcdefgh" not in err
    resolve_config({"model": "gpt-4o-mini", "base_url": "https://api.example.com/v1"}, cwd=tmp_path)
    assert capsys.readouterr().err == ""  # the user named the server: nothing to announce


def test_key_is_not_sent_in_clear_text_to_another_machine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml(tmp_path, '[model]\nbase_url = "http://llm.example.org/v1"\n')
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdefgh")
    with pytest.raises(ConfigError) as info:
        resolve_config({"model": "m"}, cwd=tmp_path)
    line = info.value.one_line()
    assert "unencrypted to http://llm.example.org/v1" in line and "--allow-http" in line
    assert resolve_config({"model": "m", "allow_http": True}, cwd=tmp_path) is not None
    local = resolve_config({"model": "m", "base_url": "http://127.0.0.1:8000/v1"}, cwd=tmp_path)
    assert local is not None and local.api_key is not None  # loopback is fine


def test_call_time_limit_and_reply_cap_grow_with_max_tokens() -> None:
    cfg = ModelConfig(model="m", timeout=30, min_tokens_per_second=20)
    assert cfg.call_timeout(2000) == 130 and cfg.call_timeout(8000) == 430
    assert ModelConfig.max_reply_bytes(8000) > ModelConfig.max_reply_bytes(1000) > 5 * 1000


def test_allow_http_reaches_the_config_from_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import EXAMPLES
    from typer.testing import CliRunner

    from briefgen.cli import app

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdefgh")
    args = ["build", str(EXAMPLES), "--model", "m", "--base-url", "http://llm.example.org/v1",
            "--dry-run", "-o", str(tmp_path / "out")]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 1 and "--allow-http" in refused.output
    assert "Traceback" not in refused.output and "abcdefgh" not in refused.output
    allowed = CliRunner().invoke(app, [*args, "--allow-http"])
    assert allowed.exit_code == 0, allowed.output
