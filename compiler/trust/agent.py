"""Signing with ssh-agent (draft-miller-ssh-agent): list its keys, ask it to sign.

The private key never leaves the agent (or the hardware token behind it): engage sends
the SSHSIG signed data and receives the SSH signature blob, which `sshsig.armor` wraps.
"""

from __future__ import annotations

import os
import socket
import struct

from compiler.trust.sshsig import (
    NAMESPACE,
    Reader,
    SignatureError,
    SshKey,
    armor,
    key_from_blob,
    signed_data,
    ssh_string,
)

_REQUEST_IDENTITIES = 11
_IDENTITIES_ANSWER = 12
_SIGN_REQUEST = 13
_SIGN_RESPONSE = 14
_RSA_SHA2_512 = 4
_MAX_REPLY = 1 << 20


def _exchange(sock: socket.socket, message: bytes) -> bytes:
    sock.sendall(struct.pack(">I", len(message)) + message)
    header = _recv(sock, 4)
    length = struct.unpack(">I", header)[0]
    if length > _MAX_REPLY:
        raise SignatureError("ssh-agent sent an oversized reply")
    return _recv(sock, length)


def _recv(sock: socket.socket, n: int) -> bytes:
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise SignatureError("ssh-agent closed the connection")
        out += chunk
    return out


def _connect() -> socket.socket:
    path = os.environ.get("SSH_AUTH_SOCK")
    if not path:
        raise SignatureError(
            "no key to sign with: pass --key PATH (a private key, or the .pub of a key held "
            "by ssh-agent), or start ssh-agent and `ssh-add` your key"
        )
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    try:
        sock.connect(path)
    except OSError as err:
        sock.close()
        raise SignatureError(
            f"cannot reach ssh-agent at SSH_AUTH_SOCK={path}: {err.strerror or err}"
        ) from None
    return sock


def identities() -> list[SshKey]:
    """The supported keys ssh-agent holds, in its order."""
    with _connect() as sock:
        reply = Reader(_exchange(sock, bytes([_REQUEST_IDENTITIES])))
        if reply.take(1)[0] != _IDENTITIES_ANSWER:
            raise SignatureError("ssh-agent refused to list its keys")
        keys = []
        for _ in range(reply.uint32()):
            blob = reply.string()
            reply.string()  # comment
            try:
                keys.append(key_from_blob(blob))
            except SignatureError:
                continue  # a key type engage cannot verify (e.g. a certificate)
        return keys


def sign_with_agent(key: SshKey, message: bytes, namespace: str = NAMESPACE) -> str:
    """The armored SSHSIG of `message`, signed by ssh-agent with `key`."""
    flags = _RSA_SHA2_512 if key.algorithm == "ssh-rsa" else 0
    request = (
        bytes([_SIGN_REQUEST])
        + ssh_string(key.blob)
        + ssh_string(signed_data(message, namespace))
        + struct.pack(">I", flags)
    )
    with _connect() as sock:
        reply = Reader(_exchange(sock, request))
        if reply.take(1)[0] != _SIGN_RESPONSE:
            raise SignatureError(
                f"ssh-agent refused to sign with {key.fingerprint} (is that key added? "
                "a confirmation refused?)"
            )
        return armor(key, reply.string(), namespace)
