"""Settings: environments, PROCORE_* variables, config.toml, URL checks. No network I/O."""

from __future__ import annotations

from pathlib import Path

import pytest

import procore_nb
from procore_nb import Client, ClientConfig, ConfigurationError, InsecureURLError
from procore_nb.api._config import check_url, parse_company_id


def _write_config(text: str) -> Path:
    path = procore_nb.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("env", "login", "api"),
    [
        ("production", "https://login.procore.com", "https://api.procore.com"),
        ("sandbox", "https://login-sandbox.procore.com", "https://sandbox.procore.com"),
        ("monthly", "https://login-sandbox-monthly.procore.com", "https://api-monthly.procore.com"),
        ("fedramp", "https://login.procoregov.com", "https://api.procoregov.com"),
    ],
)
def test_named_environments_use_procores_hosts(env: str, login: str, api: str) -> None:
    """Each named environment has its own login and API host."""
    client = Client(env)
    assert (client.env, client.login_url, client.api_url) == (env, login, api)


def test_default_environment_is_production() -> None:
    """With nothing configured, the client talks to production."""
    assert Client().env == "production"


def test_api_url_alone_means_custom_with_login_on_the_same_host() -> None:
    """api_url without login_url serves both (like the sandbox)."""
    client = Client(api_url="http://127.0.0.1:9/")
    assert client.env == "custom"
    assert client.api_url == client.login_url == "http://127.0.0.1:9"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """PROCORE_* variables configure the client."""
    monkeypatch.setenv("PROCORE_ENV", "sandbox")
    monkeypatch.setenv("PROCORE_CLIENT_ID", "from-env")
    monkeypatch.setenv("PROCORE_CLIENT_SECRET", "env-secret")
    monkeypatch.setenv("PROCORE_COMPANY_ID", "42")
    monkeypatch.setenv("PROCORE_GRANT", "client_credentials")
    client = Client()
    assert (client.env, client.client_id, client.company_id) == ("sandbox", "from-env", 42)
    assert client.has_client_secret
    assert client.grant == "client_credentials"


def test_explicit_arguments_win_over_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """An argument beats the matching PROCORE_* variable."""
    monkeypatch.setenv("PROCORE_ENV", "sandbox")
    monkeypatch.setenv("PROCORE_CLIENT_ID", "from-env")
    monkeypatch.setenv("PROCORE_COMPANY_ID", "42")
    client = Client("production", client_id="explicit", company_id=7)
    assert (client.env, client.client_id, client.company_id) == ("production", "explicit", 7)


def test_explicit_api_url_wins_over_procore_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """api_url= overrides PROCORE_ENV as a whole."""
    monkeypatch.setenv("PROCORE_ENV", "production")
    assert Client(api_url="http://localhost:8000").env == "custom"


def test_procore_api_url_variable_means_custom(monkeypatch: pytest.MonkeyPatch) -> None:
    """PROCORE_API_URL and PROCORE_LOGIN_URL describe a custom server."""
    monkeypatch.setenv("PROCORE_API_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("PROCORE_LOGIN_URL", "http://127.0.0.1:8001")
    client = Client()
    assert (client.env, client.api_url, client.login_url) == (
        "custom",
        "http://127.0.0.1:8000",
        "http://127.0.0.1:8001",
    )


def test_conflicting_env_and_api_url_variables_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """PROCORE_ENV=production with PROCORE_API_URL is ambiguous: the error says what to unset."""
    monkeypatch.setenv("PROCORE_ENV", "production")
    monkeypatch.setenv("PROCORE_API_URL", "http://127.0.0.1:8000")
    with pytest.raises(ConfigurationError, match="unset one of them"):
        Client()


def test_named_env_with_explicit_api_url_is_refused() -> None:
    """env='production' and api_url= together are refused rather than guessed."""
    with pytest.raises(ConfigurationError, match="either env"):
        Client("production", api_url="https://example.com")


def test_unknown_environment_lists_the_known_ones() -> None:
    """A typo in env names every valid environment."""
    with pytest.raises(ConfigurationError, match="production, sandbox, monthly, fedramp, custom"):
        Client("prod")


def test_config_file_table_per_environment() -> None:
    """config.toml supplies settings per environment, below arguments and variables."""
    _write_config(
        'env = "sandbox"\n[sandbox]\nclient_id = "file-id"\nclient_secret = "file-secret"\n'
        'company_id = 99\n[production]\nclient_id = "prod-id"\n'
    )
    client = Client()
    assert (client.env, client.client_id, client.company_id) == ("sandbox", "file-id", 99)
    assert client.has_client_secret
    assert Client("production").client_id == "prod-id"
    assert Client(client_id="arg-id").client_id == "arg-id"


def test_broken_config_file_names_its_path() -> None:
    """A config.toml that is not TOML is a ConfigurationError naming the file."""
    path = _write_config("this is = = not toml")
    with pytest.raises(ConfigurationError, match=str(path).replace("\\", "\\\\")):
        Client()


def test_custom_without_api_url_says_how_to_set_it() -> None:
    """env='custom' needs an API URL, and the error says where to put one."""
    with pytest.raises(ConfigurationError, match="PROCORE_API_URL"):
        Client("custom")


@pytest.mark.parametrize(
    "url", ["http://example.com", "http://api.procore.com", "http://10.0.0.5:8000"]
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    """http:// to anything but loopback is refused, citing Procore's HTTPS requirement."""
    with pytest.raises(InsecureURLError, match="Procore requires HTTPS"):
        Client(api_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:8000", "https://x.test"]
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    """HTTPS anywhere and plain HTTP on loopback pass the check."""
    assert check_url(url + "/") == url


@pytest.mark.parametrize(
    "url", ["ftp://x.test", "https://user:pw@x.test", "https://x.test/?a=1", "not a url"]
)
def test_malformed_urls_are_refused(url: str) -> None:
    """Other schemes, embedded credentials and query strings are refused."""
    with pytest.raises(ConfigurationError):
        check_url(url)


def test_plain_http_login_url_is_checked_too() -> None:
    """The login URL passes the same HTTPS check as the API URL."""
    with pytest.raises(InsecureURLError):
        Client(api_url="http://127.0.0.1:1", login_url="http://login.example.com")


@pytest.mark.parametrize(("value", "expected"), [(42, 42), ("42", 42), (" 7 ", 7), (2**40, 2**40)])
def test_company_id_accepts_ints_and_digits(value: object, expected: int) -> None:
    """Company ids are positive ints, also above 32 bits, or their digits."""
    assert parse_company_id(value) == expected


@pytest.mark.parametrize("value", [0, -1, "abc", 1.5, True, "12a"])
def test_company_id_rejects_everything_else(value: object) -> None:
    """Zero, negatives, floats, booleans and non-digits are refused."""
    with pytest.raises(ConfigurationError, match="company_id"):
        parse_company_id(value)


def test_company_id_setter_validates() -> None:
    """client.company_id is settable with digits and refuses junk."""
    client = Client()
    client.company_id = "123"
    assert client.company_id == 123
    with pytest.raises(ConfigurationError):
        client.company_id = "x"
    client.company_id = None
    assert client.company_id is None


def test_unknown_grant_is_refused() -> None:
    """Only the two grants Procore offers are accepted."""
    with pytest.raises(ConfigurationError, match="client_credentials"):
        Client(grant="password")


def test_missing_ca_file_is_refused(tmp_path: Path) -> None:
    """A CA file that does not exist is a ConfigurationError, not a TLS failure later."""
    with pytest.raises(ConfigurationError, match="CA file"):
        Client(ca_file=str(tmp_path / "nope.pem"))


def test_missing_credentials_say_how_to_set_them() -> None:
    """Without a client id/secret, sign-in names the variables and the config file."""
    client = Client("sandbox")
    with pytest.raises(ConfigurationError) as info:
        client.authorization_url()
    message = str(info.value)
    assert "PROCORE_CLIENT_ID" in message
    assert "PROCORE_CLIENT_SECRET" in message
    assert str(procore_nb.config_file()) in message


def test_missing_secret_alone_is_reported() -> None:
    """A client id without its secret cannot exchange a code."""
    with pytest.raises(ConfigurationError, match="PROCORE_CLIENT_SECRET"):
        Client("sandbox", client_id="id-only").exchange_code("abc")


def test_empty_code_is_refused_before_anything_is_sent() -> None:
    """An empty or blank code is a ConfigurationError (no request to an unreachable host)."""
    client = Client(api_url="http://127.0.0.1:9", client_id="a", client_secret="b")
    for code in ("", "   \n"):
        with pytest.raises(ConfigurationError, match="code is empty"):
            client.exchange_code(code)


def test_repr_never_shows_the_secret() -> None:
    """The client's repr names its settings but not the secret."""
    client = Client("sandbox", client_id="visible-id", client_secret="do-not-show")
    text = repr(client)
    assert "visible-id" in text
    assert "do-not-show" not in text
    assert "do-not-show" not in str(vars(client).get("_settings"))


def test_unknown_cache_name_is_refused() -> None:
    """cache= accepts the three names or a TokenCache."""
    with pytest.raises(ConfigurationError, match="read_write"):
        Client(cache="sometimes")


def test_config_groups_rare_settings() -> None:
    """ClientConfig validates its values."""
    with pytest.raises(ConfigurationError):
        procore_nb.ClientConfig(max_workers=0)
    assert procore_nb.ClientConfig().max_workers is None  # sized from Total and the window
    assert procore_nb.ClientConfig(max_workers=3).max_workers == 3


@pytest.mark.parametrize(("flag", "expected"), [(None, 120.0), ("0", 120.0), ("1", 3660.0)])
def test_an_unattended_run_waits_out_the_hourly_window(
    monkeypatch: pytest.MonkeyPatch, flag: str | None, expected: float
) -> None:
    """max_wait is 120 s by default and the hour plus a minute when PROCORE_NB_UNATTENDED is set."""
    if flag is None:
        monkeypatch.delenv("PROCORE_NB_UNATTENDED", raising=False)
    else:
        monkeypatch.setenv("PROCORE_NB_UNATTENDED", flag)
    assert ClientConfig().max_wait == expected
    assert ClientConfig(max_wait=5).max_wait == 5
