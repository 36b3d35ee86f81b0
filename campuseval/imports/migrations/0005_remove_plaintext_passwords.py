"""The plaintext column of initial passwords goes: they are sealed in ``sealed_passwords``."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0004_seal_plaintext_passwords'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='importjob',
            name='initial_passwords',
        ),
    ]
