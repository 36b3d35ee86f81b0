from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chinese_name_of_the_chain_head"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="keyed",
            field=models.BooleanField(default=False, verbose_name="以密钥签名"),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "新建"), ("update", "修改"), ("delete", "删除"), ("login", "登录"),
                    ("login_failed", "登录失败"), ("logout", "退出"), ("import", "导入"), ("export", "导出"),
                    ("download", "下载"), ("refused", "拒绝访问"),
                ],
                max_length=20,
                verbose_name="操作",
            ),
        ),
    ]
