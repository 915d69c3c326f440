from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("playground", "0005_hashed_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="commandrecord",
            name="session",
            field=models.CharField(default="1", max_length=8),
        ),
    ]
