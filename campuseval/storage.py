"""Where files go (evidence, imports, bulk exports): the local folder ``MEDIA_ROOT`` by default,
or an S3-compatible object store (the one a bureau's cloud offers) through django-storages.

Chosen by the environment (docs/deployment.md); the settings and the tests both build the
storage from this one function:

- ``CAMPUSEVAL_STORAGE=s3``, ``S3_BUCKET`` (required), ``S3_ENDPOINT_URL`` (the store's address;
  unset for AWS itself), ``S3_ACCESS_KEY_ID``, ``S3_SECRET_ACCESS_KEY``, ``S3_REGION``.

Files are private: no public ACL, and a download goes through the product's own views (the
door, then the file), never a link to the bucket.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


class StorageMisconfigured(RuntimeError):
    pass


def storage_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry the environment asks for."""
    kind = env.get("CAMPUSEVAL_STORAGE", "local").strip().lower() or "local"
    if kind == "local":
        return dict(LOCAL)
    if kind != "s3":
        raise StorageMisconfigured(f"CAMPUSEVAL_STORAGE={kind}: only local or s3")
    if not env.get("S3_BUCKET"):
        raise StorageMisconfigured("CAMPUSEVAL_STORAGE=s3 needs S3_BUCKET")
    options: dict[str, Any] = {
        "bucket_name": env["S3_BUCKET"],
        "default_acl": None,  # the bucket's own (private) policy
        "querystring_auth": True,
        "file_overwrite": False,  # a second file of the same name gets a new name, as on disk
        "signature_version": "s3v4",
    }
    for option, name in (
        ("endpoint_url", "S3_ENDPOINT_URL"), ("access_key", "S3_ACCESS_KEY_ID"),
        ("secret_key", "S3_SECRET_ACCESS_KEY"), ("region_name", "S3_REGION"),
    ):
        if env.get(name):
            options[option] = env[name]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
