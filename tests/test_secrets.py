"""E8020: secrets are refused where they stand in the YAML, and never repeated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FixtureEco, compile_eco, where

H = "apiVersion: engage/v1\n"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PYa5"
SECRETS = [
    ('description: "ftp job, password: hunter2"', "a password, token or key written inline"),
    ("description: 'call with token=abc123def'", "a password, token or key written inline"),
    (f"description: Bearer {JWT}", "a JSON Web Token"),
    ("description: key AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
    ('description: "-----BEGIN RSA PRIVATE KEY-----"', "a private key"),
    ("description: ghp_abcdefghijklmnopqrstuvwxyz0123456789", "a GitHub token"),
    # issue 10: what the detector missed (word boundaries after `_`, a space, URLs, headers,
    # blobs, key ids inside a word, uppercase and short keywords)
    ("description: 'ftp job, password Hunter2'", "a password written inline"),
    ("description: 'db_password=S3cr3tValue'", "a password, token or key written inline"),
    ("description: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG'", "written inline"),
    ("description: 'drop at sftp://ops:Pa55word@files.example'", "a URL with a password"),
    ("description: 'Authorization: Basic b3BzOlBhNTV3b3Jk'", "an authorization header"),
    ("description: 'blob aZ3kQ9pL2mX8vB7nC4tR1yU6wE0sD5fG3hJ2kL9qP'", "a long random (base64)"),
    ("description: 'id_AKIAIOSFODNN7EXAMPLE'", "an AWS access key id"),
    ("description: 'SFPASSWORD=Hunter2x'", "a password, token or key written inline"),
    ("description: 'pw: Hunter2x'", "a password, token or key written inline"),
]
HARMLESS = [
    "description: Customers reset their password in the portal.",
    "description: Token based authentication is configured in the connected app.",
    "description: 'The key: Customer_Number'",
    "description: 'Basic authentication is used; a password reset flow exists.'",
    "description: 'The token: required, the password: *** (in the vault)'",
    "description: 'The connector reads Device_Token and bypass: true'",
]


def _with(description: str) -> str:
    return (
        H + "data_extensions:\n  promo:\n    business_unit: retail\n"
        f"    {description}\n    fields: {{Key: {{type: Text, primary_key: true}}}}\n"
    )


@pytest.mark.parametrize(("line", "what"), SECRETS)
def test_a_secret_is_refused_at_its_position(fixture_eco: FixtureEco, line: str, what: str) -> None:
    root = fixture_eco({"x.yaml": _with(line)})
    found = [f for f in compile_eco(root).findings if f.code == "E8020"]
    assert [where(f) for f in found] == [("E8020", "eco/x.yaml", 5, 18)]
    assert what in found[0].message
    secret = line.split(" ", 1)[1].strip("\"'")
    assert secret not in found[0].message


@pytest.mark.parametrize("line", HARMLESS)
def test_words_about_secrets_are_not_secrets(fixture_eco: FixtureEco, line: str) -> None:
    root = fixture_eco({"x.yaml": _with(line)})
    assert [f.code for f in compile_eco(root).findings] == []


def test_a_field_named_like_a_secret_is_a_name_not_a_secret(fixture_eco: FixtureEco) -> None:
    root = fixture_eco(
        {
            "x.yaml": H + "data_extensions:\n  promo:\n    business_unit: retail\n"
            "    fields:\n      Key: {type: Text, primary_key: true}\n"
            "      Api_Token: {type: Text}\n"
        }
    )
    assert [f.code for f in compile_eco(root).findings] == []


def test_the_command_does_not_print_the_line_holding_the_secret(fixture_eco: FixtureEco) -> None:
    root = fixture_eco({"x.yaml": _with('description: "password: hunter2"')})
    run = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "validate", str(root)],
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "ENGAGE_NO_CACHE": "1", "PATH": "/usr/bin:/bin"},
        check=False,
        cwd=Path(root).parent,
    )
    assert run.returncode == 1
    assert "error[E8020]" in run.stdout and "eco/x.yaml:5:18" in run.stdout
    assert "hunter2" not in run.stdout + run.stderr
