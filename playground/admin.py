from django.contrib import admin

from .models import ApiToken, CommandRecord, Sandbox


@admin.register(Sandbox)
class SandboxAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "lesson_slug", "version", "updated")
    list_filter = ("lesson_slug",)
    search_fields = ("name", "owner__username")
    exclude = ("meta",)


@admin.register(CommandRecord)
class CommandRecordAdmin(admin.ModelAdmin):
    list_display = ("sandbox", "seq", "line", "exit_code", "created")
    search_fields = ("line",)
    raw_id_fields = ("sandbox",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created")
    exclude = ("key",)
