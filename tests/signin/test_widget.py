"""The login widget, driven like a person would against the sandbox: real codes, real clicks."""

from __future__ import annotations

import json
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from procore_nb import Client, ClientConfig, LoginWidget, NotSignedInError
from procore_nb.sandbox import Sandbox
from procore_nb.signin._messages import CODE_REJECTED, EMPTY_CODE

MakeClient = Callable[..., Client]


def start(client: Client) -> LoginWidget:
    widget = LoginWidget(client)
    widget.restore_or_ask()
    return widget


def sign_in(widget: LoginWidget, code: str) -> None:
    widget.code_box.value = code
    widget.sign_in_button.click()


def widget_states(widget: Any) -> str:
    """Every synced trait of the widget tree, as Jupyter would save it."""
    states = [widget.get_state()]
    for child in getattr(widget, "children", ()):
        states.append(widget_states(child))
    for part in (widget.code_box, widget.company_picker) if isinstance(widget, LoginWidget) else ():
        states.append(part.get_state())
    return json.dumps(states, default=str)


def cached_tokens(files: list[Path]) -> list[str]:
    """The token strings held in the cache files."""
    values = []
    for path in files:
        data = json.loads(path.read_text())
        values += [data[key] for key in ("access_token", "refresh_token") if data.get(key)]
    return values


def test_code_signs_in_caches_token_and_sets_company(
    sb: Sandbox, make_client: MakeClient, token_files: Callable[[], list[Path]]
) -> None:
    """A pasted code signs in, caches a private token and picks the company for later calls."""
    client = make_client()
    widget = start(client)
    assert not widget.signed_in
    assert 'target="_blank" rel="noopener"' in widget.steps.value

    sign_in(widget, sb.authorize())

    assert (
        widget.status_text == f"Signed in as Joe Builder (joe.builder@acme.com) · custom ({sb.url})"
    )
    assert widget.code_box.value == ""
    assert widget.signed_in
    [path] = token_files()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert client.company_id == sb.company_id
    assert widget.company_picker.value == sb.company_id
    client.projects()
    assert sb.counters()["by_path_status"].get("GET /rest/v1.0/projects 200", 0) >= 1


def test_company_picker_sets_the_company_header(sb: Sandbox, make_client: MakeClient) -> None:
    """Choosing another company in the picker changes the client's company."""
    client = make_client()
    widget = start(client)
    sign_in(widget, sb.authorize())
    others = [value for _, value in widget.company_picker.options if value != sb.company_id]
    assert others

    widget.company_picker.value = others[0]

    assert client.company_id == others[0]


def test_cached_token_shows_the_card_without_asking(sb: Sandbox, make_client: MakeClient) -> None:
    """Re-running the cell restores the cached sign-in: no new code is exchanged."""
    sign_in(start(make_client()), sb.authorize())
    before = sb.counters()["grants"].get("authorization_code", 0)

    again = start(make_client())

    assert again.signed_in
    assert again.status_text.startswith("Signed in as Joe Builder")
    assert sb.counters()["grants"].get("authorization_code", 0) == before


def test_calls_before_sign_in_say_to_finish_in_the_cell_above(make_client: MakeClient) -> None:
    """Using the client while the widget waits for a code raises a pointed error."""
    client = make_client()
    start(client)

    with pytest.raises(NotSignedInError, match="finish signing in in the cell above"):
        client.me()


def test_empty_code(sb: Sandbox, make_client: MakeClient) -> None:
    """Pressing Sign in with an empty box says so and sends nothing."""
    widget = start(make_client())

    sign_in(widget, "   ")

    assert widget.status_text == EMPTY_CODE
    assert not widget.signed_in
    assert "POST /oauth/token" not in json.dumps(sb.counters()["by_path_status"])


def test_reused_code_is_rejected(sb: Sandbox, make_client: MakeClient) -> None:
    """A code that was already used gets the single-use, ten-minute message."""
    code = sb.authorize()
    make_client(cache="none").exchange_code(code)
    widget = start(make_client())

    sign_in(widget, code)

    assert widget.status_text == CODE_REJECTED
    assert code not in widget.status_text
    assert widget.code_box.value == ""


def test_expired_code_is_rejected(sb: Sandbox, make_client: MakeClient) -> None:
    """A code older than ten minutes gets the single-use, ten-minute message."""
    code = sb.authorize()
    sb.advance(601)
    widget = start(make_client())

    sign_in(widget, code)

    assert widget.status_text == CODE_REJECTED


def test_wrong_client_secret(sb: Sandbox, make_client: MakeClient) -> None:
    """invalid_client points at production versus sandbox credentials."""
    widget = start(make_client(client_secret="not-the-secret"))

    sign_in(widget, sb.authorize())

    assert "invalid_client" in widget.status_text
    assert "env='sandbox'" in widget.status_text
    assert "env='production'" in widget.status_text
    assert "not-the-secret" not in widget.status_text


def test_network_unreachable(sb: Sandbox, make_client: MakeClient, closed_port: int) -> None:
    """A refused connection says the network failed and that retrying is safe."""
    widget = start(make_client(api_url=f"http://127.0.0.1:{closed_port}"))

    sign_in(widget, sb.authorize())

    assert widget.status_text.startswith(
        f"Could not reach Procore at http://127.0.0.1:{closed_port}"
    )
    assert "safe to retry" in widget.status_text


def test_procore_server_error(sb: Sandbox, make_client: MakeClient) -> None:
    """A 5xx from the token endpoint says it is Procore's side and to retry later."""
    widget = start(make_client())
    code = sb.authorize()
    sb.configure(error_rate=1.0, fault_oauth=True)

    sign_in(widget, code)

    assert widget.status_text.startswith("Procore had a server error (50")
    assert "on Procore's side" in widget.status_text
    assert not widget.signed_in


def test_missing_client_secret(make_client: MakeClient) -> None:
    """Without a secret the widget says how to set it, before and after a click."""
    widget = start(make_client(client_secret=None))

    assert "PROCORE_CLIENT_SECRET" in widget.status_text
    sign_in(widget, "some-code")
    assert "PROCORE_CLIENT_SECRET" in widget.status_text
    assert "config.toml" in widget.status_text
    assert widget.code_box.value == ""


def test_missing_client_id(make_client: MakeClient) -> None:
    """Without a client id there is no link, and the status says how to set it."""
    widget = start(make_client(client_id=None, client_secret=None))

    assert "PROCORE_CLIENT_ID" in widget.status_text
    assert "<a href" not in widget.steps.value


class _BrokenDirectory(Client):
    """A client whose user lookup fails with an error procore_nb never raises on purpose."""

    def me(self) -> dict[str, Any]:
        raise RuntimeError("directory lookup failed: access_token=tok-123 client_secret=abc")


def test_unexpected_error_shows_type_and_text_without_secrets(
    sb: Sandbox, make_client: MakeClient
) -> None:
    """Anything else is named with its type and text, secret-looking fields blanked."""
    widget = start(
        _BrokenDirectory(api_url=sb.url, client_id=sb.client_id, client_secret=sb.client_secret)
    )

    sign_in(widget, sb.authorize())

    assert widget.status_text.startswith("Signing in failed unexpectedly with RuntimeError:")
    assert "directory lookup failed" in widget.status_text
    assert "tok-123" not in widget.status_text
    assert "abc" not in widget.status_text


def test_double_click_after_sign_in_is_harmless(sb: Sandbox, make_client: MakeClient) -> None:
    """A second click queued behind a successful one changes nothing."""
    widget = start(make_client())
    sign_in(widget, sb.authorize())
    status = widget.status_text

    widget.sign_in_button.click()

    assert widget.status_text == status
    assert widget.signed_in
    assert sb.counters()["grants"].get("authorization_code", 0) == 1


def test_second_sign_in_while_one_runs_is_refused(sb: Sandbox, make_client: MakeClient) -> None:
    """While one sign-in waits for Procore, another click is turned away politely."""
    first, second = start(make_client()), start(make_client())
    first_code, second_code = sb.authorize(), sb.authorize()
    sb.configure(latency=0.5)
    first.code_box.value = first_code
    worker = threading.Thread(target=first.sign_in_button.click)
    worker.start()
    while not first.sign_in_button.disabled and worker.is_alive():
        threading.Event().wait(0.01)

    sign_in(second, second_code)
    refused = second.status_text
    worker.join()

    assert refused == "Another sign-in is running in this notebook: wait for it to finish."
    assert first.signed_in
    assert not second.signed_in
    assert not first.sign_in_button.disabled


def test_sign_out_revokes_and_clears_the_cache(
    sb: Sandbox, make_client: MakeClient, token_files: Callable[[], list[Path]]
) -> None:
    """Sign out revokes the token at Procore, deletes the cache file and shows the steps."""
    widget = start(make_client())
    sign_in(widget, sb.authorize())
    [access_token, _] = cached_tokens(token_files())

    widget.sign_out_button.click()

    assert widget.status_text.startswith("Signed out: the token was revoked")
    assert not widget.signed_in
    assert token_files() == []
    answer = requests.get(
        f"{sb.url}/rest/v1.0/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )
    assert answer.status_code == 401


def test_switch_account_signs_in_as_someone_else(
    sb: Sandbox, make_client: MakeClient, token_files: Callable[[], list[Path]]
) -> None:
    """Switch account revokes the first sign-in, then a second user's code signs in."""
    widget = start(make_client())
    sign_in(widget, sb.authorize())

    widget.switch_button.click()
    assert "private window" in widget.status_text
    assert token_files() == []
    sign_in(widget, sb.authorize(login=sb.other_login, password=sb.other_password))

    assert widget.status_text.startswith("Signed in as")
    assert f"({sb.other_login})" in widget.status_text


def test_no_secret_in_widget_state_or_repr(
    sb: Sandbox, make_client: MakeClient, token_files: Callable[[], list[Path]]
) -> None:
    """After signing in, no code, token or secret is in any widget's state or the repr."""
    widget = start(make_client())
    code = sb.authorize()
    sign_in(widget, code)
    saved = widget_states(widget) + repr(widget) + widget.status.value + widget.steps.value

    for secret in [code, sb.client_secret, sb.password, *cached_tokens(token_files())]:
        assert secret not in saved


def test_failed_refresh_at_start_shows_the_form_and_the_reason(
    sb: Sandbox, make_client: MakeClient
) -> None:
    """When the cached token cannot be refreshed (Procore 5xx), the steps show with the error."""
    sign_in(start(make_client()), sb.authorize())
    sb.advance(6000)
    sb.configure(error_rate=1.0, fault_oauth=True)
    later = ClientConfig(clock=lambda: time.time() + 6000)

    widget = start(make_client(config=later))

    assert not widget.signed_in
    assert widget.status_text.startswith("Procore had a server error (50")
    assert "<a href" in widget.steps.value
