"""A fresh local certificate authority and a server certificate for ``--tls``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TLSFiles:
    ca_file: str  # give this to clients (requests' ``verify=``, curl's ``--cacert``)
    cert_file: str
    key_file: str


def make_tls_files(directory: Path) -> TLSFiles:
    """Write ``ca.pem``, ``server.pem`` and ``server-key.pem`` (owner-only) into ``directory``."""
    ca = trustme.CA(organization_name="procore_nb sandbox")
    cert = ca.issue_cert("127.0.0.1", "localhost", "::1")
    ca_file, cert_file, key_file = (
        directory / n for n in ("ca.pem", "server.pem", "server-key.pem")
    )
    ca.cert_pem.write_to_path(str(ca_file))
    cert_file.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    key_file.touch(mode=0o600)
    os.chmod(key_file, 0o600)
    cert.private_key_pem.write_to_path(str(key_file))
    return TLSFiles(str(ca_file), str(cert_file), str(key_file))
