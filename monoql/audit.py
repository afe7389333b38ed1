"""One audit log (issue 34 point 2; after Zulip's ``acting_user`` and pretix's ``log_action``).

Every staff or system action and every job writes **one** row here, in the transaction of the write it records:
who acted (``Actor``: a staff member, a fan, a job or the system), through which door (``Channel``: graphql,
rest, admin, command, beat, worker), on which campaign, what was done (``action``, a dotted name such as
``market.upsert``), on what (``target``) and what changed (``changes``: ``{field: [before, after]}`` or counts).
A row is written per action, never per row changed: a selection of 30,000 fans is one row with its counts.

Services take the actor (``actor: Actor``) and call ``record``; adapters build it (``Actor.staff(fan, channel)``,
``Actor.admin(user)``, ``Actor.job(name)``…). Fans' own registrations are not logged (the hot path; their entries
carry their own dates and origin). The per-domain trails (``codes.CodeAudit``, ``entries.DoNotSellChange``, upload
history rows) stay as the detail of their domain; the log is where "who did what" is read (the admin's "Audit log").

Erasure keeps the fact of the erasure and drops the fan's personal data from the rows (``scrub_fan``).

This module is core: it names fans and campaigns by id only (``actor_fan_id``, ``campaign_id``), so every app can
write it and a deleted campaign or fan leaves its history readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db import models

from monoql.transactions import require_transaction


class Channel(models.TextChoices):
    """The door an action came through."""

    GRAPHQL = "graphql", "GraphQL"
    REST = "rest", "REST"
    ADMIN = "admin", "Admin"
    COMMAND = "command", "Command (manage.py)"
    BEAT = "beat", "Beat (scheduled)"
    WORKER = "worker", "Worker (job)"
    SITE = "site", "Fan site"


class ActorKind(models.TextChoices):
    """Who acted."""

    STAFF = "staff", "Staff"
    FAN = "fan", "Fan"
    JOB = "job", "Job"
    SYSTEM = "system", "System"


#: The label an erased fan's rows keep (``scrub_fan``).
ERASED = "erased fan"


@dataclass(frozen=True)
class Actor:
    """Who acts and through which door; what a service needs to record its audit row.

    Attributes: ``kind`` (``ActorKind``), ``channel`` (``Channel``), ``label`` (an email, a username, a job's name:
    shown in the log), ``fan`` (the acting ``accounts.Fan`` when there is one: staff signing in through GraphQL/REST,
    or an admin user linked to a fan), ``user_id`` (the Django user in the admin).
    """

    kind: str = ActorKind.SYSTEM
    channel: str = Channel.COMMAND
    label: str = ""
    fan: Any = None
    user_id: int | None = None

    @property
    def fan_id(self) -> str | None:
        """The acting fan's id, or None."""
        return getattr(self.fan, "pk", None)

    @property
    def key(self) -> str:
        """A stable key for this actor (``Idempotency-Key`` scopes): the fan's id, else the label."""
        return str(self.fan_id or self.label or "anonymous")

    @classmethod
    def staff(cls, fan, channel: str) -> Actor:
        """A staff member (an ``accounts.Fan`` with campaign actions or supreme) acting through ``channel``."""
        return cls(ActorKind.STAFF, channel, str(getattr(fan, "email", "") or getattr(fan, "pk", "")), fan)

    @classmethod
    def fan_self(cls, fan, channel: str) -> Actor:
        """A fan acting on their own data through ``channel``."""
        return cls(ActorKind.FAN, channel, str(getattr(fan, "pk", "")), fan)

    @classmethod
    def admin(cls, user, fan=None) -> Actor:
        """A Django user in the admin (``fan``: the fan linked to them, if any)."""
        return cls(ActorKind.STAFF, Channel.ADMIN, user.get_username(), fan, user.pk)

    @classmethod
    def job(cls, name: str, *, channel: str = Channel.WORKER, fan=None) -> Actor:
        """A job (a worker's task, a wave's send) named ``name``; ``fan``: the staff member who queued it."""
        return cls(ActorKind.JOB, channel, name, fan)

    @classmethod
    def command(cls, name: str) -> Actor:
        """A ``manage.py`` command run by an operator."""
        return cls(ActorKind.SYSTEM, Channel.COMMAND, name)

    @classmethod
    def beat(cls, name: str) -> Actor:
        """A scheduled task of the beat."""
        return cls(ActorKind.SYSTEM, Channel.BEAT, name)

    def __str__(self) -> str:
        return f"{self.label or self.kind} ({self.channel})"


class AuditEntry(models.Model):
    """One staff or system action, or one job: who, through which door, on which campaign, what, what changed."""

    date_created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_kind = models.CharField(max_length=8, choices=ActorKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    actor_label = models.CharField(max_length=255, blank=True, default="", help_text="Email, username or job name.")
    actor_fan_id = models.CharField(max_length=24, null=True, blank=True, db_index=True)  # noqa: DJ001 - a reference: null when a job or command acted
    actor_user_id = models.BigIntegerField(null=True, blank=True, help_text="The Django user (admin).")
    campaign_id = models.CharField(max_length=24, null=True, blank=True)  # noqa: DJ001 - a reference: null for an installation-wide action
    action = models.CharField(max_length=64, help_text="What was done, e.g. market.upsert, selection.trigger.")
    target = models.CharField(max_length=128, blank=True, default="", help_text="What it was done to: kind:id.")
    subject_fan_id = models.CharField(  # noqa: DJ001 - a reference: null when no fan is the subject
        max_length=24, null=True, blank=True, db_index=True, help_text="The one fan the action is about, if any."
    )
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [before, after]} or counts.")

    class Meta:
        app_label = "monoql"
        ordering = ["-date_created", "-pk"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["campaign_id", "-date_created"], name="audit_campaign_idx")]

    def __str__(self):
        return f"{self.action} by {self.actor_label or self.actor_kind} ({self.channel})"


def record(
    actor: Actor,
    action: str,
    *,
    campaign_id: str | None = None,
    target: str = "",
    changes: dict | None = None,
    subject_fan_id: str | None = None,
) -> AuditEntry:
    """Write the audit row of one action, in the caller's transaction (it commits or rolls back with the write).

    Args: ``actor``: who and through which door; ``action``: a dotted name (``market.upsert``); ``campaign_id``;
        ``target``: ``kind:id`` of what was acted on; ``changes``: JSON-ready ``{field: [before, after]}`` or
        counts; ``subject_fan_id``: the one fan the action is about (erasure scrubs the row).
    Returns: the saved ``AuditEntry``.
    Raises: TransactionRequired outside ``transaction.atomic()`` (a row written apart from its write could survive the
        write's rollback, or be lost while the write stays) or when ``actor`` is not an ``Actor``.
    """
    if not isinstance(actor, Actor):
        raise RuntimeError(f"record() needs an Actor, not {type(actor).__name__}: services take the actor")
    require_transaction("an audit row (with the write it records)")
    return AuditEntry.objects.create(
        actor_kind=actor.kind,
        channel=actor.channel,
        actor_label=actor.label[:255],
        actor_fan_id=actor.fan_id,
        actor_user_id=actor.user_id,
        campaign_id=campaign_id,
        action=action,
        target=target[:128],
        subject_fan_id=subject_fan_id,
        changes=changes or {},
    )


def plain(value):
    """A JSON-ready form of a field value: dates as UTC ISO-8601, UUIDs and decimals as text."""
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def model_diff(before, after, *, exclude: tuple[str, ...] = ()) -> dict:
    """What a save changed: ``{field: [before, after]}`` over ``after``'s concrete fields (by attribute name:
    foreign keys as ``x_id``; primary key, automatic dates and ``exclude`` left out). ``before`` None (a creation)
    compares with a blank instance, so only the values set are listed."""
    blank = before if before is not None else type(after)()
    diff = {}
    for field in after._meta.concrete_fields:
        if field.primary_key or field.attname in exclude or getattr(field, "auto_now", False):
            continue
        if getattr(field, "auto_now_add", False):
            continue
        old, new = getattr(blank, field.attname, None), getattr(after, field.attname, None)
        if old != new:
            diff[field.attname] = [plain(old), plain(new)]
    return diff


def scrub_fan(fan_id: str) -> int:
    """Drop one erased fan's personal data from the log: rows they acted in keep the action but lose the label and
    the id (``ERASED``); rows about them lose the subject id, the target naming them and their ``changes``. Returns
    the rows touched.
    Raises: TransactionRequired outside ``transaction.atomic()`` (the erasure's transaction)."""
    require_transaction("scrub_fan (the erasure's)")
    acted = AuditEntry.objects.filter(actor_fan_id=fan_id).update(actor_fan_id=None, actor_label=ERASED)
    about = AuditEntry.objects.filter(subject_fan_id=fan_id).update(
        subject_fan_id=None, target="fan", changes={"scrubbed": True}
    )
    return acted + about
