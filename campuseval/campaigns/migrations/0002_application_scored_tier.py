# The tier the experts' combined scores give (capped at the applied tier) was called
# engine_tier, a name the engine's uncapped result also used; it is scored_tier now.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0001_campaigns_applications_reviews"),
    ]

    operations = [
        migrations.RenameField(
            model_name="application",
            old_name="engine_tier",
            new_name="scored_tier",
        ),
    ]
