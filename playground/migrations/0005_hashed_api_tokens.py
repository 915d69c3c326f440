"""API tokens are stored as their SHA-256 with the user's session auth hash (issue 13): the plain keys stored
until now cannot be turned into that, so they are deleted (users issue a new token)."""
from django.db import migrations, models


def drop_plain_tokens(apps, schema_editor):
    apps.get_model("playground", "ApiToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("playground", "0004_commandrecord_prompt_clear")]

    operations = [
        migrations.RunPython(drop_plain_tokens, migrations.RunPython.noop),
        migrations.AddField(model_name="apitoken", name="stamp", field=models.CharField(default="", max_length=128)),
    ]
