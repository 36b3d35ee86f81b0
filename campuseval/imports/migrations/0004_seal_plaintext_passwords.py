"""The initial passwords still waiting in plaintext, sealed with the key derived from
SECRET_KEY (``campuseval.imports.sealed``, which imports no model); backwards, opened again
where the key still opens them. Its own migration, apart from the schema changes before and
after it, as Django advises for PostgreSQL (pending trigger events block an ALTER TABLE)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from campuseval.imports import sealed


def seal_plaintext(apps: Any, schema_editor: Any) -> None:
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in list(ImportJob.objects.only("pk", "initial_passwords")):
        if job.initial_passwords:
            job.sealed_passwords, job.initial_passwords = sealed.seal(dict(job.initial_passwords)), {}
            job.save(update_fields=["sealed_passwords", "initial_passwords"])


def open_sealed(apps: Any, schema_editor: Any) -> None:
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in list(ImportJob.objects.exclude(sealed_passwords="").only("pk", "sealed_passwords")):
        try:
            job.initial_passwords = sealed.unseal(job.sealed_passwords)
        except sealed.Unreadable:
            job.initial_passwords = {}
        job.sealed_passwords = ""
        job.save(update_fields=["sealed_passwords", "initial_passwords"])


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0003_sealed_passwords_and_removed_files'),
    ]

    operations = [migrations.RunPython(seal_plaintext, open_sealed)]
