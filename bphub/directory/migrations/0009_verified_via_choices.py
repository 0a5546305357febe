# The verification route gets choices, so pages show its label ("address on the agency's
# trusted email domain") rather than the stored value ("trusted_domain"). No change to the table.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0008_search_text_thai_romanised'),
    ]

    operations = [
        migrations.AlterField(
            model_name='focalpoint',
            name='verified_via',
            field=models.CharField(
                blank=True,
                choices=[
                    ('nomination', "nominated by the member's coordinator or the RSO"),
                    ('trusted_domain', "address on the agency's trusted email domain"),
                ],
                max_length=16,
                verbose_name='verified through',
            ),
        ),
    ]
