"""Contact verification: formats of the listed number, look-alikes, false positives, guidance."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import Context
from fieldoffice.directory.file import default_path, load_directory
from fieldoffice.editing.lint import lint_file
from fieldoffice.verify import Verifier
from fieldoffice.web.app import create_app
from tests.cli.test_commands import run


@pytest.fixture(scope="module")
def verifier(ctx: Context) -> Verifier:
    return Verifier(ctx.directory)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize(
    "text",
    ["202.732.4646", "(202) 732-4646", "202-732-4646", "2027324646", "+1 202 732 4646", "+12027324646",
     "1-202-732-4646", "1 (202) 732-4646 ext. 12", "202 732 4646 x3", "202-732-GOGO", " (202)732-4646 "],
)  # fmt: skip
def test_the_listed_number_in_any_common_form(verifier: Verifier, text: str) -> None:
    v = verifier.verify(text)
    assert v.status == "listed" and v.kind == "phone"
    assert v.matches[0]["who"] == "national" and v.matches[0]["channel"] == "phone"
    assert "Office of Public Affairs" in v.reason


@pytest.mark.parametrize(
    "text",
    [
        "202-732-4647",
        "202-732-4656",
        "202-723-4646",
        "302-732-4646",
        "202-732-4600",
        "(202) 742-4646",
    ],
)
def test_one_or_two_digits_off_is_a_look_alike(verifier: Verifier, text: str) -> None:
    v = verifier.verify(text)
    assert v.status == "look_alike" and "(202) 732-4646" in v.reason


@pytest.mark.parametrize(
    "text",
    [
        "202-456-1111",
        "(212) 555-0100",
        "1-800-275-8777",
        "+44 20 7946 0958",
        "775-328-3200",
        "202-555-9999",
    ],
)
def test_unrelated_real_numbers_are_just_not_listed(verifier: Verifier, text: str) -> None:
    assert verifier.verify(text).status == "not_listed"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ICEMedia@ice.dhs.gov", "listed"), ("icemedia@ICE.DHS.GOV", "listed"),
        ("https://www.ice.gov/contact", "listed"), ("ice.gov", "listed"), ("www.dhs.gov", "listed"),
        ("icemedia@gmail.com", "look_alike"), ("ice.agent.payments@outlook.com", "look_alike"),
        ("ice-gov-help.com", "look_alike"), ("icegov.org", "look_alike"), ("ice.com", "look_alike"),
        ("lce.gov", "look_alike"), ("ice-dhs.net", "look_alike"), ("press@ice-gov.org", "look_alike"),
        ("alice@gmail.com", "not_listed"), ("justice.gov", "not_listed"), ("iceberg.fan@gmail.com", "not_listed"),
        ("police.org", "not_listed"), ("nice.com", "not_listed"), ("reporter@nytimes.com", "not_listed"),
    ],
)  # fmt: skip
def test_emails_and_domains(verifier: Verifier, text: str, status: str) -> None:
    assert verifier.verify(text).status == status


@pytest.mark.parametrize("text", ["", "   ", "x" * 300, "hello", "12", "not an email@", "@@"])
def test_bad_input_gets_a_clear_message(verifier: Verifier, text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        verifier.verify(text)
    assert str(err.value)


def _directory_with_reported(tmp_path: Path, contact: str) -> Path:
    text = (
        default_path().read_text()
        + f'\n[[directory.reported]]\ncontact = "{contact}"\ndate = "2024-05-01"\nnote = "calls demanding gift cards"\n'
    )
    # the reported list belongs in [directory]: put it before the first office
    head, _, offices = text.partition("\n[[office]]")
    tail = text[len(head) + len("\n[[office]]") + len(offices) :]
    path = tmp_path / "d.toml"
    path.write_text(head + tail + "\n[[office]]" + offices)
    return path


def test_reported_contacts_and_lint(ctx: Context, tmp_path: Path) -> None:
    path = _directory_with_reported(tmp_path, "(202) 555-0143")
    v = Verifier(load_directory(path)).verify("202.555.0143")
    assert v.status == "reported" and v.reported == {
        "date": "2024-05-01",
        "note": "calls demanding gift cards",
    }
    assert not [
        f
        for f in lint_file(path, ctx.gazetteer, ctx.regions).findings
        if f.kind == "reported_but_listed"
    ]
    clash = _directory_with_reported(tmp_path, "202-732-4646")
    found = [
        f
        for f in lint_file(clash, ctx.gazetteer, ctx.regions).findings
        if f.kind == "reported_but_listed"
    ]
    assert len(found) == 1 and found[0].severity == "error"


@pytest.mark.parametrize(
    ("contact", "en_words", "es_words"),
    [
        ("202.732.4646", ("spoofed", "hang up"), ("falsificar", "cuelgue")),
        ("202-732-4647", ("spoofed", "hang up"), ("falsificar", "cuelgue")),
        ("202-456-1111", ("spoofed", "hang up"), ("falsificar", "cuelgue")),
        ("ice-gov-help.com", ("look-alike site", "type the listed address"), ("navegador", "escriba")),
    ],
)  # fmt: skip
def test_guidance_with_every_answer_in_both_languages(
    client: TestClient, contact: str, en_words: tuple[str, str], es_words: tuple[str, str]
) -> None:
    """Every answer carries guidance, in the asker's language, for the channel asked about."""
    en = client.get("/api/v1/verify", params={"contact": contact}).json()
    es = client.get("/api/v1/verify", params={"contact": contact, "lang": "es"}).json()
    assert all(any(w in g for g in en["guidance"]) for w in en_words), en["guidance"]
    assert all(any(w in g for g in es["guidance"]) for w in es_words), es["guidance"]
    page_en = client.get("/verify", params={"contact": contact}).text
    page_es = client.get("/es/verify", params={"contact": contact}).text
    assert en_words[1] in page_en and es_words[1] in page_es
    cli = run("verify", contact, "--json")
    assert json.loads(cli.stdout)["status"] == en["status"]  # the page, the API and the CLI agree


def test_guidance_even_for_bad_input(client: TestClient) -> None:
    r = client.get("/api/v1/verify", params={"contact": "hello", "lang": "es"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_input"
    assert any("cuelgue" in g for g in r.json()["error"]["details"]["guidance"])
    page = client.get("/verify", params={"contact": "hello"})
    assert page.status_code == 400 and "hang up" in page.text


def test_done_when(client: TestClient) -> None:
    r = run("verify", "202.732.4646")
    assert r.returncode == 0 and "LISTED" in r.stdout and "Office of Public Affairs" in r.stdout
    assert "spoofed" in r.stdout
    assert "compromised" in r.stdout  # the page's own warning about this very number
    assert run("verify", "202.732.4647").returncode == 1


def test_nothing_logged_in_process_at_any_level(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.get(
        "/api/v1/verify",
        params={"contact": "555-867-5309"},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    client.get("/verify", params={"contact": "555-867-5309"})
    # the test's own HTTP client (httpx) logs its requests; the server side must log nothing of them
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "867" not in logged and "198.51.100.7" not in logged and "testclient" not in logged


PHONE, EMAIL, FORWARDED = "(555) 867-5309", "tipster.q7x@example.net", "198.51.100.7"
BRACKETED = "http://[alice.smith@gmail.com]/"  # once a 500 whose traceback logged the address
TRACES = ["867-5309", "8675309", "5558675309", "tipster", "q7x", "example.net", FORWARDED,
          "alice.smith", "gmail"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_nothing_logged_identifies_the_asker(tmp_path: Path) -> None:
    """The real server, as an operator might run it: uvicorn with its access log on."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    out, err = (tmp_path / "stdout.log").open("w+b"), (tmp_path / "stderr.log").open("w+b")
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "fieldoffice.web.app:app_from_env",
           "--host", "127.0.0.1", "--port", str(port), "--access-log", "--log-level", "info"]  # fmt: skip
    server = subprocess.Popen(cmd, stdout=out, stderr=err)
    asked = [
        ("/verify", PHONE), ("/api/v1/verify", PHONE), ("/verify", EMAIL),
        ("/api/v1/verify", EMAIL), ("/es/verify", PHONE), ("/verify/", PHONE),
        ("/api/v1/verify", PHONE + "x" * 9000),  # refused as too long, before any route
        ("/verify", BRACKETED), ("/api/v1/verify", BRACKETED), ("/es/verify", "ab.cd["),
    ]  # fmt: skip
    posted = [("/verify", PHONE), ("/es/verify", BRACKETED), ("/api/v1/verify", EMAIL),
              ("/api/v1/verify", BRACKETED)]  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, err.read()
            try:
                if httpx.get(base + "/api/v1/offices", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.25)
        statuses = [
            httpx.get(base + path, params={"contact": contact},
                      headers={"X-Forwarded-For": FORWARDED}, timeout=30).status_code
            for path, contact in asked
        ]  # fmt: skip
        for path, contact in posted:  # the site's form, and the API with a JSON body
            body: dict[str, Any] = (
                {"json": {"contact": contact}}
                if "/api/" in path
                else {"data": {"contact": contact}}
            )
            statuses.append(
                httpx.post(
                    base + path, headers={"X-Forwarded-For": FORWARDED}, timeout=30, **body
                ).status_code
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert statuses == [200, 200, 200, 200, 200, 307, 414, 400, 400, 400, 200, 400, 200, 400]
    out.seek(0)
    err.seek(0)
    logged = out.read().decode() + err.read().decode()
    # the access log is on and did log each of these requests: only not what was asked, or by whom
    for path, _ in asked:
        assert f'"GET {path}' in logged, logged
    for path, _ in posted:
        assert f'"POST {path}' in logged, logged
    assert "GET /api/v1/offices HTTP/1.1" in logged
    assert [t for t in TRACES if t in logged] == [], logged


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ісе.gov", "look_alike"),  # Cyrillic letters
        ("ICEMedia@ісе.dhs.gov", "look_alike"),
        ("ICEMedia@lce.dhs.gov", "look_alike"),  # the listed mailbox name at another domain
        ("mailto:ICEMedia@ice.dhs.gov", "listed"),
        ("John Doe <ICEMedia@ice.dhs.gov>", "listed"),
        ("ICEMedia@ice.dhs.gov.", "listed"),
        ("https://ice.gov@evil.com/", "not_listed"),  # the real host is evil.com
        ("tel:+12027324646", "listed"),
    ],
)
def test_what_people_paste_and_tricks(verifier: Verifier, text: str, status: str) -> None:
    v = verifier.verify(text)
    assert v.status == status, v.reason


# --- what people type: the page's own tip line, numbers without an area code, domains judged by
# --- the Public Suffix List and Unicode's confusables (no hand-written tables)


@pytest.mark.parametrize(
    ("text", "status", "who"),
    [
        ("1-866-DHS-2-ICE", "listed", "tip-line"),  # as the page prints it: letters on a keypad
        ("1-866-347-2423", "listed", "tip-line"),
        ("(866) 347-2423", "listed", "tip-line"),
        ("1 (866) dhs-2-ice", "listed", "tip-line"),
        ("732-4646", "not_listed", "national"),  # no area code: may be (202) 732-4646
        ("347-2423", "not_listed", "tip-line"),
        ("555-0199", "not_listed", None),
        ("ice.gov.evil.com", "look_alike", None),  # registered at evil.com
        ("https://ice.gov.evil.com/pay", "look_alike", None),
        ("ice-gov.co.uk", "look_alike", None),  # registered as itself under co.uk
        ("ice.gov.co.uk", "look_alike", None),  # registered at gov.co.uk
        ("ісе.gov", "look_alike", None),  # Cyrillic і, с, е
        ("dhѕ.gov", "look_alike", None),  # Cyrillic ѕ
        ("ιce.gov", "look_alike", None),  # Greek iota
        ("press@dhs.gοv", "look_alike", None),  # Greek omicron in the suffix
        ("ice.enforcement@gmail.com", "look_alike", None),  # free mail using the agency's name
        ("ice.refunds@mailinator.com", "look_alike", None),  # a throwaway domain, same
        ("john.doe@ice.dhs.gov", "official_domain", "national"),  # official domain, not listed
        ("tips@ice.gov", "official_domain", "national"),
        ("https://help.ice.gov/form", "official_domain", "national"),
        ("irs.gov", "not_listed", None),  # another agency, not a letter-swap of ice.gov
        ("doj.gov", "not_listed", None),
        ("nice.com", "not_listed", None),
    ],
)
def test_what_people_type(verifier: Verifier, text: str, status: str, who: str | None) -> None:
    v = verifier.verify(text)
    assert v.status == status, v.reason
    assert [m["who"] for m in v.matches][:1] == ([who] if who and v.matches else [])


def test_the_tip_line_is_read_on_the_keypad(verifier: Verifier) -> None:
    v = verifier.verify("1-866-DHS-2-ICE")
    assert v.normalized == "+18663472423"
    assert v.matches == [{"who": "tip-line", "name": "ICE Tip Line", "channel": "phone",
                          "value": "+18663472423", "purpose": "tips"}]  # fmt: skip
    assert "reads (866) 347-2423 on a phone keypad" in v.reason and "(tips)" in v.reason
    assert run("verify", "1-866-DHS-2-ICE").returncode == 0
    # one digit off the tip line is a look-alike of it, like any listed number
    assert "(866) 347-2423" in verifier.verify("1-866-347-2424").reason


def test_seven_digits_name_the_number_they_may_be(verifier: Verifier) -> None:
    v = verifier.verify("732-4646")
    assert v.status == "not_listed" and "no area code" in v.reason
    assert "(202) 732-4646" in v.reason and "area code is 202" in v.reason
    assert v.matches[0]["value"] == "+12027324646" and v.matches[0]["area_code_missing"]
    none = verifier.verify("555-0199")
    assert none.matches == [] and "no listed number ends in these seven digits" in none.reason


def test_domains_are_judged_where_they_are_registered(verifier: Verifier) -> None:
    v = verifier.verify("ice.gov.evil.com")
    assert "belongs to evil.com" in v.reason
    assert "registered as ice-gov.co.uk" in verifier.verify("ice-gov.co.uk").reason
    assert "look like ice.gov" in verifier.verify("ісе.gov").reason


def test_official_domain_answers_on_every_door(client: TestClient) -> None:
    api = client.get("/api/v1/verify", params={"contact": "john.doe@ice.dhs.gov"}).json()
    assert api["status"] == "official_domain" and "official domain" in api["reason"]
    assert "Official domain" in client.get("/verify", params={"contact": "tips@ice.gov"}).text
    es = client.get("/es/verify", params={"contact": "tips@ice.gov"}).text
    assert "Dominio oficial" in es


def test_contacts_block_is_checked_by_the_schema(tmp_path: Path) -> None:
    text = default_path().read_text().replace('purpose = "tips"\n', 'purpose = "tips"\nfax = "1"\n')
    path = tmp_path / "d.toml"
    path.write_text(text)
    with pytest.raises(Exception, match="fax"):
        load_directory(path)


def test_no_network_is_touched(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Public Suffix List, the confusables and the mail lists are what the packages ship."""
    import fieldoffice.verify as verify_module

    verify_module._psl.cache_clear()
    verify_module._prototypes.cache_clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network touched: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = Verifier(ctx.directory)
    for text in ["ice.gov.evil.com", "ісе.gov", "ice.refunds@mailinator.com", "1-866-DHS-2-ICE",
                 "john.doe@ice.dhs.gov", "732-4646", "https://www.ice.gov/contact"]:  # fmt: skip
        fresh.verify(text)


def test_the_guidance_fits_the_channel_asked_about() -> None:
    """Caller ID and hanging up are about calls: an email or a web address gets its own."""
    from fieldoffice.directory.context import load_context
    from fieldoffice.verify import Verifier

    v = Verifier(load_context().directory)
    phone = " ".join(v.verify("202.732.4646").guidance)
    assert "Caller ID" in phone and "hang up" in phone
    for contact in ("icemedia@gmail.com", "ice.gov.evil.com"):
        for lang in ("en", "es"):
            said = " ".join(v.verify(contact, language=lang).guidance)
            assert "Caller ID" not in said and "hang up" not in said and "identificador" not in said
    assert "From line" in " ".join(v.verify("icemedia@gmail.com").guidance)
    assert "navegador" in " ".join(v.verify("ice.gov.evil.com", language="es").guidance)
