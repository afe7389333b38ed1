"""The admin is an adapter like GraphQL: every admin write goes through a service (docs/architecture.md).

``ServiceAdmin`` and ``ServiceInline`` refuse any write that no service handles: an admin declares, per
kind of write, the callable that performs it through the app's services —

- ``add_service(request, obj, form)``: create ``obj`` (built by the validated form);
- ``change_service(request, obj, form)``: save the changes of ``obj``;
- ``delete_service(request, obj)``: delete ``obj`` (the admin delete page, bulk delete and inline delete).

A kind without a service is not offered (no "Add", read-only change page, no delete), whatever the
user's permissions. A service's refusal (``DomainError``) rolls the whole request back and is shown to
the staff member on the page they came from; nothing is half-written. Admin actions call services too.
"""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import transaction
from django.http import HttpResponseRedirect

from monoql.audit import Actor
from monoql.core_reasons import CoreReason
from monoql.errors import DomainError


def admin_actor(request) -> Actor:
    """The audit log's actor of an admin request: the Django user (and the fan linked to them, if any)."""
    return Actor.admin(request.user, getattr(request.user, "fan", None))


def refusal_text(error: DomainError) -> str:
    """The sentence shown to staff for a refused write: ``message (REASON)``."""
    return f"{error.message} ({error.reason})" if error.reason else error.message


class ServiceWrites:
    """The write services of an admin or inline (``None``: that kind of write is refused); every form field it makes
    has a name a screen reader reads (``labelled``)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return labelled(super().formfield_for_dbfield(db_field, request, **kwargs), db_field)

    add_service = None
    change_service = None
    delete_service = None

    def writes(self) -> dict:
        """``{"add"|"change"|"delete": callable or None}``: what this admin may write, and through what."""
        return {"add": self.add_service, "change": self.change_service, "delete": self.delete_service}

    def _save_through_service(self, request, obj, form, change):
        service = self.change_service if change else self.add_service
        if service is None:
            raise DomainError("This admin page cannot save this record.", code="FORBIDDEN", reason=CoreReason.READ_ONLY)
        service(request, obj, form)

    def _delete_through_service(self, request, obj):
        if self.delete_service is None:
            raise DomainError(
                "This admin page cannot delete this record.", code="FORBIDDEN", reason=CoreReason.READ_ONLY
            )
        self.delete_service(request, obj)


def labelled(formfield, db_field):
    """Give each half of a date-and-time field its own accessible name ("Open date: date", "…: time (UTC)"): the
    admin's split widget has one label for two inputs (axe-core ``label``, critical, issue 40)."""
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, AdminSplitDateTime):
        name = str(getattr(db_field, "verbose_name", "") or db_field.name).capitalize()
        widget.widgets[0].attrs["aria-label"] = f"{name}: date (YYYY-MM-DD)"
        widget.widgets[1].attrs["aria-label"] = f"{name}: time (UTC, HH:MM:SS)"
    return formfield


class ServiceAdmin(ServiceWrites, admin.ModelAdmin):
    """A ModelAdmin whose saves, deletes, bulk deletes and inline formsets all go through services."""

    def has_add_permission(self, request):
        return self.add_service is not None and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.change_service is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.delete_service is not None and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Save through ``add_service``/``change_service`` (never ``obj.save()`` here)."""
        self._save_through_service(request, obj, form, change)

    def delete_model(self, request, obj):
        """Delete through ``delete_service``."""
        self._delete_through_service(request, obj)

    def delete_queryset(self, request, queryset):
        """Bulk delete: each row through ``delete_service``, all or nothing."""
        with transaction.atomic():
            for obj in queryset:
                self._delete_through_service(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows through their inline's services (new, changed and deleted rows)."""
        inline = next((i for i in self.get_inline_instances(request, form.instance) if i.model is formset.model), None)
        if inline is None or not isinstance(inline, ServiceInline):
            raise DomainError("This inline cannot be saved.", code="FORBIDDEN", reason=CoreReason.READ_ONLY)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            inline._delete_through_service(request, obj)
        for obj in instances:
            inline._save_through_service(request, obj, None, change=obj.pk is not None and not obj._state.adding)
        formset.save_m2m()

    def _refused(self, request, error: DomainError, url: str):
        self.message_user(request, refusal_text(error), messages.ERROR)
        return HttpResponseRedirect(url)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The add/change page; a service refusal at save time rolls back and comes back as a message."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            return self._refused(request, error, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        """The delete page; a refusal (e.g. ``MARKET_HAS_ENTRIES``) changes nothing and returns to the record."""
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            return self._refused(request, error, request.get_full_path().rsplit("delete/", 1)[0])

    def changelist_view(self, request, extra_context=None):
        """The list (and its actions, bulk delete included); a refusal rolls the action back."""
        try:
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        except DomainError as error:
            return self._refused(request, error, request.get_full_path())


class ServiceInline(ServiceWrites):
    """Mixin for inlines of a ``ServiceAdmin``: rows are written through the declared services only."""

    def has_add_permission(self, request, obj=None):
        return self.add_service is not None and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.change_service is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.delete_service is not None and super().has_delete_permission(request, obj)


class ServiceTabularInline(ServiceInline, admin.TabularInline):
    """A tabular inline written through services."""


class ServiceStackedInline(ServiceInline, admin.StackedInline):
    """A stacked inline written through services."""
