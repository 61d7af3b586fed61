"""Settings checked when the client is built: timeouts, ClientConfig, config.toml, PROCORE_*.

Each bad value is a ConfigurationError naming the setting and where it came from, raised by
``Client(...)`` itself (no network I/O happens there), never a bare ValueError, TypeError or
UnicodeDecodeError at the first call.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import procore_nb
from procore_nb import Client, ClientConfig, ConfigurationError


def _write_config(data: bytes | str) -> Path:
    path = procore_nb.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "timeout",
    [0, -1, "x", float("nan"), float("inf"), None, True],
    ids=["zero", "negative", "text", "nan", "inf", "none", "bool"],
)
def test_timeout_that_cannot_work(timeout: object) -> None:
    """Client(timeout=0, -1, "x", nan...) is refused when the client is built, naming timeout."""
    with pytest.raises(ConfigurationError, match=r"Client\(timeout=\.\.\.\) must be"):
        Client(api_url="http://127.0.0.1:9", timeout=timeout)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_workers", "8"),
        ("max_workers", 2.5),
        ("retries", True),
        ("max_wait", "a minute"),
        ("backoff_factor", -1),
        ("refresh_margin", float("nan")),
        ("lock_timeout", -5),
        ("progress_delay", "soon"),
        ("redirect_uri", ""),
        ("clock", 5),
    ],
    ids=[
        "workers-text",
        "workers-fraction",
        "retries-bool",
        "max-wait-text",
        "backoff-negative",
        "margin-nan",
        "lock-negative",
        "progress-delay-text",
        "redirect-empty",
        "clock-not-callable",
    ],
)
def test_client_config_of_the_wrong_type(field: str, value: object) -> None:
    """A ClientConfig field of the wrong type or range is ConfigurationError naming the field."""
    with pytest.raises(ConfigurationError, match=f"ClientConfig.{field}"):
        ClientConfig(**{field: value})


def test_config_that_is_not_a_client_config() -> None:
    """config={...} (a dict) is refused with the type it needs."""
    with pytest.raises(ConfigurationError, match="config must be a ClientConfig"):
        Client(api_url="http://127.0.0.1:9", config={"retries": 1})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [b'env = "sandbox"\n[sandbox]\nclient_id = "caf\xe9"\n', b"\xff\xfe\x00e\x00n\x00v\x00"],
    ids=["latin-1", "utf-16"],
)
def test_config_file_that_is_not_utf8(data: bytes) -> None:
    """A config.toml that is not UTF-8 says so, with the file's path: no UnicodeDecodeError."""
    path = _write_config(data)
    with pytest.raises(ConfigurationError, match="not UTF-8") as info:
        Client()
    assert str(path) in str(info.value)
    assert info.value.__cause__ is None or not isinstance(info.value.__cause__, UnicodeError)


def test_config_file_that_is_a_folder() -> None:
    """A folder named config.toml is refused with what to do."""
    procore_nb.config_file().mkdir(parents=True)
    with pytest.raises(ConfigurationError, match="is a folder"):
        Client()


def test_config_file_that_is_not_toml() -> None:
    """A config.toml that does not parse names the file and the problem."""
    path = _write_config("env = sandbox\n[[[")
    with pytest.raises(ConfigurationError, match="Fix or remove the file") as info:
        Client()
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("toml", "setting"),
    [
        (
            'env = "custom"\n[custom]\napi_url = "http://127.0.0.1:9"\nclient_id = 123\n',
            "client_id",
        ),
        (
            'env = "custom"\n[custom]\napi_url = "http://127.0.0.1:9"\nclient_secret = true\n',
            "client_secret",
        ),
        (
            'env = "custom"\n[custom]\napi_url = "http://127.0.0.1:9"\ncompany_id = true\n',
            "company_id",
        ),
        ('env = "custom"\n[custom]\napi_url = "http://127.0.0.1:9"\ngrant = ["x"]\n', "grant"),
        ('env = "custom"\n[custom]\napi_url = 8000\n', "api_url"),
        ('env = "custom"\n[custom]\napi_url = "http://127.0.0.1:9"\nca_file = 1\n', "ca_file"),
        ("env = 5\n", "env"),
        ('env = "sandbox"\nsandbox = "oops"\n', "[sandbox]"),
    ],
    ids=[
        "client-id-number",
        "secret-bool",
        "company-bool",
        "grant-list",
        "api-url-number",
        "ca-file-number",
        "env-number",
        "table-not-a-table",
    ],
)
def test_config_value_of_the_wrong_type(toml: str, setting: str) -> None:
    """A config.toml value of the wrong type is refused naming it and the file (not made text)."""
    path = _write_config(toml)
    with pytest.raises(ConfigurationError) as info:
        Client()
    message = str(info.value)
    assert setting in message
    assert str(path) in message


def test_config_secret_of_the_wrong_type_is_not_shown() -> None:
    """The message about a client_secret of the wrong type never quotes the value."""
    _write_config(
        'env = "custom"\n[custom]\napi_url = "http://127.0.0.1:9"\nclient_secret = 987654321\n'
    )
    with pytest.raises(ConfigurationError) as info:
        Client()
    assert "987654321" not in str(info.value)


@pytest.mark.parametrize(
    ("variable", "value", "setting"),
    [
        ("PROCORE_COMPANY_ID", "acme", "PROCORE_COMPANY_ID"),
        ("PROCORE_COMPANY_ID", "-3", "PROCORE_COMPANY_ID"),
        ("PROCORE_API_URL", "http://127.0.0.1:99999", "API URL"),
        ("PROCORE_CA_FILE", "/nonexistent/ca.pem", "CA file"),
        ("PROCORE_GRANT", "password", "grant"),
    ],
    ids=["company-word", "company-negative", "port-out-of-range", "missing-ca", "unknown-grant"],
)
def test_environment_variable_that_cannot_work(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, setting: str
) -> None:
    """A PROCORE_* variable that cannot work is refused naming it."""
    monkeypatch.setenv("PROCORE_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=setting):
        Client()


def test_blank_environment_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """PROCORE_CLIENT_ID='   ' is the same as unset, not a client id of spaces."""
    monkeypatch.setenv("PROCORE_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PROCORE_CLIENT_ID", "   ")
    assert Client().client_id is None


def test_argument_with_a_nul_character() -> None:
    """client_id with a NUL character (pasted from a binary file) is refused naming the argument."""
    with pytest.raises(ConfigurationError, match="client_id= argument holds a NUL"):
        Client(api_url="http://127.0.0.1:9", client_id="app\x00id")


def test_env_argument_that_is_not_text() -> None:
    """Client(5) says env must be text, not AttributeError."""
    with pytest.raises(ConfigurationError, match="env must be"):
        Client(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a certificate",
        b"-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n",
    ],
    ids=["empty", "text", "broken-pem"],
)
def test_ca_file_that_holds_no_certificate(tmp_path: Path, content: bytes) -> None:
    """A CA file without a readable certificate is refused when the client is built."""
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(content)
    with pytest.raises(ConfigurationError, match="holds no certificate that can be read"):
        Client(api_url="https://127.0.0.1:9", ca_file=str(ca_file))
