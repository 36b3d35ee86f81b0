"""Plans and targets (mounted at /plans/)."""

from __future__ import annotations

from django.urls import path

from . import views, views_actions, views_book, views_edit

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views_edit.plan_new, name="plan_new"),
    path("kpis/", views.my_kpis, name="my_kpis"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/targets/new/", views_edit.target_new, name="target_new"),
    path("<int:pk>/tasks/<str:category>/", views.task_table, name="task_table"),
    path("<int:pk>/tasks/<str:category>/xlsx/", views.task_table_file, name="task_table_file"),
    path("<int:pk>/do/<str:action>/", views_actions.plan_action, name="plan_action"),
    path("targets/<int:pk>/report/", views_actions.report_new, name="report_new"),
    path("reports/<int:pk>/decide/", views_actions.report_decide, name="report_decide"),
    path("tasks/<int:pk>/", views_actions.task_edit, name="task_edit"),
    # The 工作推进任务书: the page and its two files.
    path("<int:pk>/book/", views_book.task_book, name="task_book"),
    path("<int:pk>/book/xlsx/", views_book.task_book_xlsx, name="task_book_xlsx"),
    path("<int:pk>/book/docx/", views_book.task_book_docx, name="task_book_docx"),
]
