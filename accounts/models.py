"""Fans (everyone who signs in through an identity token), supremes and per-campaign permissions.

Staff sign in to the Django admin with Django's own ``auth.User``; a staff member's fan identity (the one
GraphQL sees) may be linked to it through ``Fan.user``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.fan_versions import bump_fan_versions
from monoql.ids import new_object_id


class FanQuerySet(models.QuerySet):
    """Fans; a bulk ``update()`` retires the cached copies of the fans it changes (``accounts.fan_versions``)."""

    def update(self, **kwargs):
        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        bump_fan_versions(ids)
        return count

    update.alters_data = True  # type: ignore[attr-defined]


class Fan(models.Model):
    """A signed-in person, upserted from identity-token claims (catalog §3.4)."""

    id = models.CharField(primary_key=True, max_length=24, default=new_object_id, editable=False)
    global_user_id = models.CharField(max_length=128, unique=True, null=True, blank=True)
    member_id = models.CharField(max_length=128, unique=True, null=True, blank=True)
    email = models.EmailField(max_length=254, blank=True, default="")
    first_name = models.CharField(max_length=150, blank=True, default="")
    last_name = models.CharField(max_length=150, blank=True, default="")
    phone = models.CharField(max_length=20, blank=True, default="", help_text="E.164")
    zip = models.CharField(max_length=20, blank=True, default="")
    do_not_sell = models.BooleanField(default=False)
    profile_facts = models.JSONField(
        default=dict, blank=True, help_text="Gate facts from the identity provider: cards, linked accounts, idv."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="fan"
    )
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)
    date_last_login = models.DateTimeField(null=True, blank=True)

    objects = FanQuerySet.as_manager()
    # set on the instance a request signed in with (not columns): the session's claims and its expiry
    _session_claims: dict
    _session_expires_at: object
    _is_supreme: bool
    _campaign_permissions: dict[str, list[str]]

    class Meta:
        indexes = [models.Index(fields=["email"], name="fan_email_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(global_user_id__isnull=False) | Q(member_id__isnull=False),
                name="fan_has_identity",
            )
        ]

    def __str__(self):
        return self.email or self.global_user_id or self.member_id or self.id

    @property
    def is_authenticated(self):
        """DRF and Django treat a Fan resolved from a valid token as an authenticated user."""
        return True


class Supreme(models.Model):
    """A fan who may do everything (catalog §3.3 ``userSupremes``); disabling keeps the row as history."""

    fan = models.OneToOneField(Fan, on_delete=models.CASCADE, related_name="supreme")
    is_active = models.BooleanField(default=True)
    date_created = models.DateTimeField(auto_now_add=True)
    date_disabled = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"supreme {self.fan}"


class CampaignAction(models.TextChoices):
    """Per-campaign actions (decisions.md #4)."""

    READ = "read"
    WRITE = "write"
    REPORT = "report"
    SELECT = "select"
    INVITE = "invite"


class CampaignPermission(models.Model):
    """One action a fan may take on one campaign."""

    fan = models.ForeignKey(Fan, on_delete=models.CASCADE, related_name="campaign_permissions")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="permissions")
    action = models.CharField(max_length=8, choices=CampaignAction.choices)
    granted_by = models.ForeignKey(Fan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fan", "campaign", "action"], name="campaign_permission_unique")]

    def __str__(self):
        return f"{self.fan} {self.action} {self.campaign_id}"


#: Named presets of the five campaign actions (catalog §3.3), as the team page offers them: key → (label, actions).
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "viewer": ("Viewer", ("read",)),
    "reporter": ("Reporter", ("read", "report")),
    "manager": ("Campaign manager", ("read", "write", "report", "select")),
    "owner": ("Team owner", ("read", "write", "report", "select", "invite")),
}


class TeamInvitation(models.Model):
    """An invitation to join one campaign's team with some actions, sent to an email address as an expiring,
    single-use signed link (``accounts.services.invite_colleague``). Accepting it never looks a fan up by email:
    the permissions go to the fan of the Django user who accepts (signed in, or a staff account created then)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="team_invitations")
    email = models.EmailField(max_length=254, help_text="Where the link was sent; not an identity")
    actions = models.JSONField(default=list, help_text="Campaign actions granted on acceptance")
    nonce_hash = models.CharField(max_length=64, help_text="SHA-256 of the link's secret part")
    invited_by = models.ForeignKey(Fan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    invited_by_label = models.CharField(max_length=255, blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True)
    date_expires = models.DateTimeField()
    date_accepted = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(Fan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date_revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_created"]

    def __str__(self):
        return f"invitation of {self.email} to {self.campaign_id}"
