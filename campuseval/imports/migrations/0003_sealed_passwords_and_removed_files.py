"""Room for the sealed initial passwords and the dates personal data was removed (issue 13)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0002_plan_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='sealed_passwords',
            field=models.TextField(blank=True, default='', help_text='账号导入生成的初始密码，加密保存，只在结果第一次显示时取出，随即清空；超过保留时间未查看的，到期清除。', verbose_name='待显示的初始密码（已加密）'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='passwords_purged_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='初始密码到期清除时间'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='file_removed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='原文件删除时间'),
        ),
        migrations.AlterField(
            model_name='importjob',
            name='file',
            field=models.FileField(blank=True, max_length=200, upload_to='imports/', verbose_name='文件'),
        ),
    ]
