"""Adds what patient search compares besides the folded names: the digits of the patient's phone and
a table of surname words whole and less one letter, looked up by text to forgive one typo
(clinic.patients.search_keys). The next migration fills both for existing patients."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0012_patient_no_known_drug_allergies'),
    ]

    operations = [
        migrations.AddField(
            model_name='patient',
            name='phone_digits',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.CreateModel(
            name='FamilyNameVariant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=200)),
                ('deleted_position', models.PositiveSmallIntegerField(null=True)),
                ('deleted_letter', models.CharField(blank=True, max_length=1)),
                ('patient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name='family_name_variants', to='patients.patient')),
            ],
            options={
                'indexes': [models.Index(fields=['text'], name='family_name_variant_text_idx')],
            },
        ),
    ]
