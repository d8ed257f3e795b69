"""OpenSSH signatures (the SSHSIG format of `ssh-keygen -Y sign`), with `cryptography`.

The format (OpenSSH's PROTOCOL.sshsig): the signer signs

    "SSHSIG" || string namespace || string reserved || string hash_alg || string H(message)

and publishes, base64-armored between `-----BEGIN SSH SIGNATURE-----` lines,

    "SSHSIG" || uint32 1 || string public_key || string namespace || string reserved
             || string hash_alg || string signature

where `signature` is an SSH signature blob (string algorithm || string bytes). So an
approval signed here verifies with `ssh-keygen -Y verify -n engage-plan`, and one signed by
`ssh-keygen -Y sign -n engage-plan` verifies here. Keys: ssh-ed25519, ecdsa-sha2-nistp256/
384/521 and ssh-rsa (signed as rsa-sha2-512, as ssh-keygen does).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

NAMESPACE = "engage-plan"
MAGIC = b"SSHSIG"
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
_HASHES = {"sha512": hashlib.sha512, "sha256": hashlib.sha256}
_CURVE_HASH: dict[str, hashes.HashAlgorithm] = {
    "nistp256": hashes.SHA256(),
    "nistp384": hashes.SHA384(),
    "nistp521": hashes.SHA512(),
}
_RSA_HASH: dict[str, hashes.HashAlgorithm] = {
    "rsa-sha2-512": hashes.SHA512(),
    "rsa-sha2-256": hashes.SHA256(),
}

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class SignatureError(ValueError):
    """A signature or key that cannot be read or does not verify; the message says why."""


# --------------------------------------------------------------- wire format
def ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _mpint(value: int) -> bytes:
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big") if value else b""
    return ssh_string(raw)


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise SignatureError("the signature is truncated")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def uint32(self) -> int:
        value: int = struct.unpack(">I", self.take(4))[0]
        return value

    def string(self) -> bytes:
        return self.take(self.uint32())

    def mpint(self) -> int:
        return int.from_bytes(self.string(), "big", signed=True)

    def done(self) -> bool:
        return self.pos == len(self.data)


# --------------------------------------------------------------------- keys
@dataclass(frozen=True)
class SshKey:
    """A public key as OpenSSH writes it: `ssh-ed25519 AAAA… comment`."""

    algorithm: str
    blob: bytes
    key: PublicKey

    @property
    def fingerprint(self) -> str:
        digest = base64.b64encode(hashlib.sha256(self.blob).digest()).decode().rstrip("=")
        return f"SHA256:{digest}"

    @property
    def openssh(self) -> str:
        return f"{self.algorithm} {base64.b64encode(self.blob).decode()}"


def parse_public_key(text: str) -> SshKey:
    """`ALGORITHM BASE64 [comment]` → the key; SignatureError saying what is wrong."""
    parts = text.strip().split()
    if len(parts) < 2:
        raise SignatureError("an SSH public key is written `ssh-ed25519 AAAA… [comment]`")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("the key's second word is not base64") from None
    return key_from_blob(blob, parts[0])


def key_from_blob(blob: bytes, algorithm: str | None = None) -> SshKey:
    try:
        name = Reader(blob).string().decode("ascii")
    except (SignatureError, UnicodeDecodeError):
        raise SignatureError("the key blob is not an SSH public key") from None
    if algorithm is not None and name != algorithm:
        raise SignatureError(f"the key says {algorithm} but holds a {name} key")
    line = f"{name} {base64.b64encode(blob).decode()}".encode()
    try:
        key = serialization.load_ssh_public_key(line)
    except (ValueError, UnsupportedAlgorithm) as err:
        raise SignatureError(f"not a usable SSH public key ({err})") from None
    if not isinstance(key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise SignatureError(f"{name} keys are not supported (use ssh-ed25519, ecdsa or ssh-rsa)")
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
        raise SignatureError(f"the RSA key has {key.key_size} bits; at least 2048 are needed")
    return SshKey(name, blob, key)


def public_of(private: PrivateKey) -> SshKey:
    line = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return parse_public_key(line.decode())


def load_private_key(data: bytes) -> PrivateKey:
    """An unencrypted OpenSSH (or PEM) private key; an encrypted one belongs in ssh-agent."""
    try:
        key = serialization.load_ssh_private_key(data, password=None)
    except (ValueError, UnsupportedAlgorithm, TypeError) as first:
        try:
            key = serialization.load_pem_private_key(data, password=None)  # type: ignore[assignment]
        except (ValueError, UnsupportedAlgorithm, TypeError):
            if "encrypted" in str(first).lower() or "password" in str(first).lower():
                raise SignatureError(
                    "the private key is protected by a passphrase: add it to ssh-agent "
                    "(`ssh-add KEY`) and pass its public key (KEY.pub) as --key"
                ) from None
            raise SignatureError(f"not an SSH private key ({first})") from None
    if not isinstance(
        key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    ):
        raise SignatureError("only ssh-ed25519, ecdsa and ssh-rsa keys can sign")
    return key


# --------------------------------------------------------------- signatures
def signed_data(message: bytes, namespace: str = NAMESPACE, hash_alg: str = "sha512") -> bytes:
    """What the key actually signs: the SSHSIG preamble and the message's hash."""
    digest = _HASHES[hash_alg](message).digest()
    return (
        MAGIC
        + ssh_string(namespace.encode())
        + ssh_string(b"")
        + ssh_string(hash_alg.encode())
        + ssh_string(digest)
    )


def _raw_signature(private: PrivateKey, data: bytes) -> bytes:
    """The SSH signature blob (string algorithm || string signature) of `data`."""
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return ssh_string(b"ssh-ed25519") + ssh_string(private.sign(data))
    if isinstance(private, ec.EllipticCurvePrivateKey):
        curve = public_of(private).algorithm
        r, s = decode_dss_signature(
            private.sign(data, ec.ECDSA(_CURVE_HASH[curve.rsplit("-", 1)[1]]))
        )
        return ssh_string(curve.encode()) + ssh_string(_mpint(r) + _mpint(s))
    sig = private.sign(data, padding.PKCS1v15(), hashes.SHA512())
    return ssh_string(b"rsa-sha2-512") + ssh_string(sig)


def armor(public: SshKey, raw_signature: bytes, namespace: str = NAMESPACE) -> str:
    blob = (
        MAGIC
        + struct.pack(">I", 1)
        + ssh_string(public.blob)
        + ssh_string(namespace.encode())
        + ssh_string(b"")
        + ssh_string(b"sha512")
        + ssh_string(raw_signature)
    )
    text = base64.b64encode(blob).decode()
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    return "\n".join([BEGIN, *lines, END]) + "\n"


def sign(private: PrivateKey, message: bytes, namespace: str = NAMESPACE) -> str:
    """The armored SSHSIG of `message`, exactly as `ssh-keygen -Y sign -n NAMESPACE` makes."""
    raw = _raw_signature(private, signed_data(message, namespace))
    return armor(public_of(private), raw, namespace)


@dataclass(frozen=True)
class Parsed:
    key: SshKey
    namespace: str
    hash_alg: str
    signature: bytes


def parse_signature(armored: str) -> Parsed:
    text = armored.strip()
    if not (text.startswith(BEGIN) and text.endswith(END)):
        raise SignatureError("not an SSH signature (no BEGIN/END SSH SIGNATURE lines)")
    body = "".join(text[len(BEGIN) : -len(END)].split())
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("the SSH signature is not valid base64") from None
    reader = Reader(blob)
    if reader.take(6) != MAGIC or reader.uint32() != 1:
        raise SignatureError("not an SSHSIG version 1 signature")
    key = key_from_blob(reader.string())
    try:
        namespace = reader.string().decode()
        reader.string()  # reserved
        hash_alg = reader.string().decode()
    except UnicodeDecodeError:
        raise SignatureError("the signature's namespace is not text") from None
    signature = reader.string()
    if not reader.done():
        raise SignatureError("the signature has trailing bytes")
    if hash_alg not in _HASHES:
        raise SignatureError(f"the signature uses hash {hash_alg!r} (sha512 or sha256 expected)")
    return Parsed(key, namespace, hash_alg, signature)


def _check(key: SshKey, raw: bytes, data: bytes) -> None:
    reader = Reader(raw)
    algorithm = reader.string().decode("ascii", "replace")
    sig = reader.string()
    public = key.key
    if isinstance(public, ed25519.Ed25519PublicKey) and algorithm == "ssh-ed25519":
        public.verify(sig, data)
    elif isinstance(public, ec.EllipticCurvePublicKey) and algorithm == key.algorithm:
        inner = Reader(sig)
        der = encode_dss_signature(inner.mpint(), inner.mpint())
        public.verify(der, data, ec.ECDSA(_CURVE_HASH[algorithm.rsplit("-", 1)[1]]))
    elif isinstance(public, rsa.RSAPublicKey) and algorithm in _RSA_HASH:
        public.verify(sig, data, padding.PKCS1v15(), _RSA_HASH[algorithm])
    else:
        raise SignatureError(f"a {algorithm} signature cannot come from a {key.algorithm} key")


def verify(armored: str, message: bytes, namespace: str = NAMESPACE) -> SshKey:
    """The key that made this valid signature of `message` in `namespace`. Raises
    SignatureError saying why not. Whether that key is trusted is the caller's question."""
    parsed = parse_signature(armored)
    if parsed.namespace != namespace:
        raise SignatureError(
            f"the signature is for namespace {parsed.namespace!r}, not {namespace!r}"
        )
    try:
        _check(parsed.key, parsed.signature, signed_data(message, namespace, parsed.hash_alg))
    except InvalidSignature:
        raise SignatureError("the signature does not match the signed content") from None
    return parsed.key
