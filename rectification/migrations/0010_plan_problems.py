# Plan problems (问题清单): the plan's problems from the catalogue, each with its cause analysis; measures answer one.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import rectification.models.plans


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0003_organization_category_service'),
        ('rectification', '0009_visits_for_leaders_without_account'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalPlanProblem',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('item', models.CharField(max_length=20, validators=[rectification.models.plans.validate_problem_item], verbose_name='problem')),
                ('description', models.TextField(verbose_name='how it shows here')),
                ('cause_analysis', models.TextField(blank=True, verbose_name='cause analysis')),
                ('sort_order', models.PositiveSmallIntegerField(default=0)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organization', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organizations.organization')),
                ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='rectification.plan', verbose_name='plan')),
            ],
            options={
                'verbose_name': 'historical plan problem',
                'verbose_name_plural': 'historical problem list',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PlanProblem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item', models.CharField(max_length=20, validators=[rectification.models.plans.validate_problem_item], verbose_name='problem')),
                ('description', models.TextField(verbose_name='how it shows here')),
                ('cause_analysis', models.TextField(blank=True, verbose_name='cause analysis')),
                ('sort_order', models.PositiveSmallIntegerField(default=0)),
                ('county', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.division')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.organization')),
                ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problems', to='rectification.plan', verbose_name='plan')),
                ('township', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organizations.division')),
            ],
            options={
                'verbose_name': 'plan problem',
                'verbose_name_plural': 'problem list',
                'ordering': ['sort_order', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='historicalmeasure',
            name='problem',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='rectification.planproblem', verbose_name='problem answered'),
        ),
        migrations.AddField(
            model_name='measure',
            name='problem',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='measures', to='rectification.planproblem', verbose_name='problem answered'),
        ),
    ]
