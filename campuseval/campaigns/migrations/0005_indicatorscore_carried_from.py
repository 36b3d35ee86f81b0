# The self-assessment carried from the school's last certified application (沿用上次).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0004_stage_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='indicatorscore',
            name='carried_from',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='campaigns.application', verbose_name='沿用自'),
        ),
    ]
