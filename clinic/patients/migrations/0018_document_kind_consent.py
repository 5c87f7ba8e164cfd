from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0017_document_kind_letter'),
    ]

    operations = [
        migrations.AlterField(
            model_name='document',
            name='kind',
            field=models.CharField(choices=[('referral_letter', 'Referral letter'), ('outside_records', 'Outside records'), ('result_report', 'Result report'), ('letter', 'Letter from the clinic'), ('consent', 'Signed consent'), ('other', 'Other')], max_length=20),
        ),
    ]
