"""SSHSIG signatures interoperate with the real OpenSSH tools, both ways, for every key type:
`ssh-keygen -Y verify` accepts what engage signs, engage accepts what `ssh-keygen -Y sign`
signs, and ssh-agent signs for engage."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.trust import agent, sshsig

KEY_TYPES = [
    ("ed25519", []),
    ("ecdsa", ["-b", "256"]),
    ("ecdsa", ["-b", "384"]),
    ("ecdsa", ["-b", "521"]),
    ("rsa", ["-b", "2048"]),
]
MESSAGE = b'{"approver":"ana","plan":"sha256:0f"}\n'

if shutil.which("ssh-keygen") is None:  # .ci/run installs openssh-client
    pytest.skip("ssh-keygen is not installed (Debian openssh-client)", allow_module_level=True)


def keygen(folder: Path, kind: str, extra: list[str], name: str = "key") -> Path:
    path = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", kind, *extra, "-N", "", "-C", "ana@example", "-f", str(path)],
        check=True,
    )
    return path


def ssh_verify(
    folder: Path, public: str, signature: str, message: bytes
) -> subprocess.CompletedProcess[bytes]:
    (folder / "allowed_signers").write_text(f"ana {public}\n", encoding="utf-8")
    (folder / "msg.sig").write_text(signature, encoding="utf-8")
    return subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "verify",
            "-f",
            str(folder / "allowed_signers"),
            "-I",
            "ana",
            "-n",
            sshsig.NAMESPACE,
            "-s",
            str(folder / "msg.sig"),
        ],
        input=message,
        capture_output=True,
    )


@pytest.mark.parametrize(("kind", "extra"), KEY_TYPES)
def test_ssh_keygen_verifies_what_engage_signs(tmp_path: Path, kind: str, extra: list[str]) -> None:
    key = keygen(tmp_path, kind, extra)
    signature = sshsig.sign(sshsig.load_private_key(key.read_bytes()), MESSAGE)
    public = Path(f"{key}.pub").read_text(encoding="utf-8")
    done = ssh_verify(tmp_path, public, signature, MESSAGE)
    assert done.returncode == 0, done.stderr
    assert b'Good "engage-plan" signature for ana' in done.stdout
    tampered = ssh_verify(tmp_path, public, signature, MESSAGE.replace(b"ana", b"bob"))
    assert tampered.returncode != 0


@pytest.mark.parametrize(("kind", "extra"), KEY_TYPES)
def test_engage_verifies_what_ssh_keygen_signs(tmp_path: Path, kind: str, extra: list[str]) -> None:
    key = keygen(tmp_path, kind, extra)
    (tmp_path / "msg").write_bytes(MESSAGE)
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(key), "-n", sshsig.NAMESPACE, str(tmp_path / "msg")],
        check=True,
        capture_output=True,
    )
    armored = (tmp_path / "msg.sig").read_text(encoding="utf-8")
    signer = sshsig.verify(armored, MESSAGE)
    declared = sshsig.parse_public_key(Path(f"{key}.pub").read_text(encoding="utf-8"))
    assert signer.blob == declared.blob
    with pytest.raises(sshsig.SignatureError, match="does not match the signed content"):
        sshsig.verify(armored, MESSAGE + b" ")


def test_another_namespace_is_refused(tmp_path: Path) -> None:
    key = keygen(tmp_path, "ed25519", [])
    (tmp_path / "msg").write_bytes(MESSAGE)
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(key), "-n", "git", str(tmp_path / "msg")],
        check=True,
        capture_output=True,
    )
    with pytest.raises(sshsig.SignatureError, match="namespace 'git', not 'engage-plan'"):
        sshsig.verify((tmp_path / "msg.sig").read_text(encoding="utf-8"), MESSAGE)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "no BEGIN/END"),
        (f"{sshsig.BEGIN}\n!!!\n{sshsig.END}\n", "not valid base64"),
        (f"{sshsig.BEGIN}\nU1NIU0lHAAAAAQ==\n{sshsig.END}\n", "truncated"),
        (f"{sshsig.BEGIN}\nQUJDREVGAAAAAQ==\n{sshsig.END}\n", "not an SSHSIG"),
    ],
)
def test_damaged_signatures_say_why(text: str, why: str) -> None:
    with pytest.raises(sshsig.SignatureError, match=why):
        sshsig.verify(text, MESSAGE)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ssh-ed25519", "written `ssh-ed25519"),
        ("ssh-ed25519 ###", "not base64"),
        (
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIB5rN3Xyg2cYOW2ZGvp0XbD1r8nPDlK0Y2sWcVEw8n7h",
            "holds a ssh-ed25519",
        ),
    ],
)
def test_public_keys_that_cannot_be_read_say_why(text: str, why: str) -> None:
    with pytest.raises(sshsig.SignatureError, match=why):
        sshsig.parse_public_key(text)


def test_a_small_rsa_key_is_refused(tmp_path: Path) -> None:
    key = keygen(tmp_path, "rsa", ["-b", "1024"])
    with pytest.raises(sshsig.SignatureError, match="1024 bits"):
        sshsig.parse_public_key(Path(f"{key}.pub").read_text(encoding="utf-8"))


def test_an_encrypted_private_key_points_to_the_agent(tmp_path: Path) -> None:
    path = tmp_path / "locked"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "s3cret-phrase", "-f", str(path)], check=True
    )
    with pytest.raises(sshsig.SignatureError, match="ssh-add"):
        sshsig.load_private_key(path.read_bytes())


@pytest.fixture
def ssh_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real ssh-agent on a socket of its own, stopped after the test."""
    if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
        pytest.skip("ssh-agent is not installed (Debian openssh-client)")
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if sock.exists():
                break
            subprocess.run(["sleep", "0.02"], check=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        yield sock
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


@pytest.mark.parametrize(("kind", "extra"), [KEY_TYPES[0], KEY_TYPES[1], KEY_TYPES[4]])
def test_ssh_agent_signs_and_ssh_keygen_verifies(
    tmp_path: Path, ssh_agent: Path, kind: str, extra: list[str]
) -> None:
    key = keygen(tmp_path, kind, extra)
    subprocess.run(["ssh-add", "-q", str(key)], check=True, env={**os.environ}, capture_output=True)
    held = agent.identities()
    public = Path(f"{key}.pub").read_text(encoding="utf-8")
    assert [k.blob for k in held] == [sshsig.parse_public_key(public).blob]
    signature = agent.sign_with_agent(held[0], MESSAGE)
    assert sshsig.verify(signature, MESSAGE).blob == held[0].blob
    assert ssh_verify(tmp_path, public, signature, MESSAGE).returncode == 0


def test_an_agent_without_the_key_refuses(tmp_path: Path, ssh_agent: Path) -> None:
    key = keygen(tmp_path, "ed25519", [])
    public = sshsig.parse_public_key(Path(f"{key}.pub").read_text(encoding="utf-8"))
    assert agent.identities() == []
    with pytest.raises(sshsig.SignatureError, match="refused to sign"):
        agent.sign_with_agent(public, MESSAGE)


def test_no_agent_and_no_key_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    with pytest.raises(sshsig.SignatureError, match="pass --key PATH"):
        agent.identities()
