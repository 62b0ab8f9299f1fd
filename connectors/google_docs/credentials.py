"""Where the service account key comes from: the settings' secret, or a file beside the team
file. Every failure is a :class:`KeyProblem` that names the setting, never the key."""

from __future__ import annotations

from pathlib import Path

from connectors.google_docs.key import KeyProblem, ServiceAccountKey, parse_key
from connectors.google_docs.settings import GoogleDocsSettings

MAX_KEY_BYTES = 64 * 1024  # a real key is about 2.3 KB


def load_key(settings: GoogleDocsSettings, config_dir: Path) -> ServiceAccountKey:
    if settings.service_account_key is not None:
        return parse_key(settings.service_account_key.get_secret_value(), "service_account_key")
    written = settings.credentials_file or ""
    if _not_a_path(written):
        # Never quoted: a careless `credentials_file: "${GOOGLE_KEY_JSON}"` holds the key.
        raise KeyProblem(
            "credentials_file: holds what looks like a key's content, not the path of its "
            "file; give the path, or the key itself from the environment in service_account_key"
        )
    path = config_dir / Path(written).expanduser()
    where = f"credentials_file {written!r}"
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_BYTES + 1)
    except FileNotFoundError:
        raise KeyProblem(f"{where}: no such file") from None
    except IsADirectoryError:
        raise KeyProblem(f"{where}: is a directory, not the key's JSON file") from None
    except OSError as exc:
        raise KeyProblem(
            f"{where}: cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    if len(data) > MAX_KEY_BYTES:
        raise KeyProblem(f"{where}: is larger than a key file ({MAX_KEY_BYTES // 1024} KiB)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KeyProblem(f"{where}: is not a JSON key (not UTF-8 text)") from None
    return parse_key(text, where)


def _not_a_path(written: str) -> bool:
    return "{" in written or "\n" in written or "PRIVATE KEY" in written or len(written) > 4096
