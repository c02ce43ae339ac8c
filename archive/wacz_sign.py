"""Anonymous WACZ signing (WACZ 1.1.1, wacz-auth 0.1): an ECDSA P-384 signature of datapackage.json's hash.

``datapackage-digest.json`` gets a ``signedData`` object: ``hash`` (the ``sha256:…`` of datapackage.json, as
the digest file states it), ``created`` (datapackage.json's), ``software``, ``publicKey`` (base64 of the DER
SubjectPublicKeyInfo) and ``signature``: ECDSA with SHA-256 over the UTF-8 bytes of ``hash``, base64 of the raw
r‖s pair (48 + 48 bytes, the form WebCrypto's ``verify`` takes, which is how ReplayWeb.page checks it).
"Anonymous" means no certificate ties the key to a domain: the key only shows that WACZ files signed with it come
from one signer. nianbao keeps one key per archive, made on first use.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

DIGEST_FILE = "datapackage-digest.json"
_COORDINATE_BYTES = 48  # P-384


def signing_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The archive's signing key at ``path`` (PEM, PKCS#8), made (mode 0600) when it does not exist yet."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != ec.SECP384R1.name:
            raise ValueError(f"{path} is not an ECDSA P-384 private key")
        return key
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)
    return key


def signed_data(hash_label: str, created: str, key: ec.EllipticCurvePrivateKey, software: str) -> dict[str, str]:
    """The ``signedData`` object for a datapackage.json whose digest is ``hash_label``."""
    r, s = decode_dss_signature(key.sign(hash_label.encode("utf-8"), ec.ECDSA(hashes.SHA256())))
    raw = r.to_bytes(_COORDINATE_BYTES, "big") + s.to_bytes(_COORDINATE_BYTES, "big")
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"hash": hash_label, "created": created, "software": software,
            "signature": base64.b64encode(raw).decode("ascii"), "publicKey": base64.b64encode(spki).decode("ascii")}


def verify_signed_data(data: dict[str, Any]) -> bool:
    """Whether ``signature`` is a valid anonymous signature of ``hash`` by ``publicKey``."""
    key = serialization.load_der_public_key(base64.b64decode(data["publicKey"]))
    raw = base64.b64decode(data["signature"])
    if not isinstance(key, ec.EllipticCurvePublicKey) or len(raw) != 2 * _COORDINATE_BYTES:
        return False
    r, s = (int.from_bytes(raw[i:i + _COORDINATE_BYTES], "big") for i in (0, _COORDINATE_BYTES))
    try:
        key.verify(encode_dss_signature(r, s), str(data["hash"]).encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def sign_wacz(path: Path, key: ec.EllipticCurvePrivateKey, software: str) -> dict[str, str]:
    """Add ``signedData`` to the digest file of the WACZ at ``path`` (rewritten in place); return it."""
    with zipfile.ZipFile(path) as wacz:
        digest = json.loads(wacz.read(DIGEST_FILE))
        created = json.loads(wacz.read("datapackage.json"))["created"]
    digest["signedData"] = signed_data(digest["hash"], created, key, software)
    _replace_member(path, DIGEST_FILE, json.dumps(digest, indent=2).encode("utf-8"))
    return dict(digest["signedData"])


def _replace_member(path: Path, name: str, data: bytes) -> None:
    """Rewrite the zip at ``path`` with member ``name`` replaced; every other member keeps its bytes, date and
    compression (WARC files and indexes stay stored, so that readers can range-request them)."""
    fd, tmp_name = tempfile.mkstemp(prefix=".nianbao-wacz-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp, "w") as target:
            for info in source.infolist():
                if info.filename == name:
                    target.writestr(info, data)
                    continue
                with source.open(info) as member, target.open(info, "w") as out:
                    shutil.copyfileobj(member, out)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
