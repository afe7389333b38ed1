"""A campaign's team in the staff console (catalog §3.3; issue 38): who holds which actions, pending invitations,
inviting a colleague by email, changing or removing a member, withdrawing an invitation — and the page an invitee
opens from their link. Every write goes through ``accounts.services`` (audited); supreme users, superusers and
holders of ``invite`` on the campaign manage its team, and give no more than they hold."""

from django.contrib import admin, messages
from django.contrib.auth import login
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.models import ROLES, CampaignAction, CampaignPermission, TeamInvitation
from accounts.services import (
    accept_team_invitation,
    create_staff_account,
    grantable_actions,
    invite_colleague,
    may_manage_team,
    revoke_team_invitation,
    role_label,
    set_member_actions,
    team_invitation,
)
from campaigns.models import Campaign
from monoql.admin_base import admin_actor, refusal_text
from monoql.console.access import may
from monoql.errors import DomainError


def team_members(campaign) -> list[dict]:
    """``[{"fan", "name", "actions", "role"}]``: the fans holding actions on the campaign, by name."""
    members: dict[str, dict] = {}
    for permission in CampaignPermission.objects.filter(campaign=campaign).select_related("fan", "fan__user"):
        fan = permission.fan
        user = getattr(fan, "user", None)
        name = (user.get_username() if user else "") or fan.email or fan.pk
        member = members.setdefault(fan.pk, {"fan": fan, "name": name, "email": fan.email, "actions": []})
        member["actions"].append(permission.action)
    rows = []
    for member in sorted(members.values(), key=lambda row: row["name"].lower()):
        member["actions"] = [action for action in CampaignAction.values if action in member["actions"]]
        member["role"] = role_label(member["actions"])
        rows.append(member)
    return rows


def team_panel_html(campaign) -> str:
    """The campaign page's "Team" section: members and their roles, pending invitations, the team page's link."""
    members = team_members(campaign)
    pending = TeamInvitation.objects.filter(campaign=campaign, date_accepted__isnull=True, date_revoked__isnull=True)
    summary = format_html(
        "<p>{} member(s){}. <a href='{}' class='team-link'>Manage the team</a> (invite a colleague by email, change "
        "roles)</p>",
        len(members),
        format_html(": {}", format_html_join(", ", "{} ({})", ((row["name"], row["role"]) for row in members)))
        if members
        else "",
        reverse("admin:campaigns_campaign_team", args=[campaign.pk]),
    )
    waiting = pending.count()
    return format_html(
        "{}{}", summary, format_html("<p>{} invitation(s) waiting for an answer.</p>", waiting) if waiting else ""
    )


def _role_choices(grantable: set[str]) -> list[tuple[str, str, str]]:
    return [(key, label, ", ".join(actions)) for key, (label, actions) in ROLES.items() if set(actions) <= grantable]


def _actions_from(request) -> list[str]:
    role = request.POST.get("role", "")
    if role in ROLES:
        return list(ROLES[role][1])
    return request.POST.getlist("actions")


def team_view(model_admin, request, campaign_id):
    """The team page: members (role, actions, change, remove), pending invitations (withdraw) and the invite form."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not may(request.user, campaign.pk, "read"):
        raise Http404("No such campaign.")
    fan = getattr(request.user, "fan", None)
    superuser = bool(request.user.is_superuser)
    if not may_manage_team(fan, campaign.pk, superuser=superuser):
        messages.error(request, "Only supreme users and holders of 'invite' manage this campaign's team.")
        return HttpResponseRedirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    grantable = grantable_actions(fan, campaign.pk, superuser=superuser)
    actor = admin_actor(request)
    here = reverse("admin:campaigns_campaign_team", args=[campaign.pk])
    errors: dict[str, str] = {}
    if request.method == "POST":
        operation = request.POST.get("op")
        try:
            if operation == "invite":
                invitation, token = invite_colleague(
                    campaign_id=campaign.pk,
                    email=request.POST.get("email", ""),
                    actions=_actions_from(request),
                    grantable=grantable,
                    actor=actor,
                )
                link = request.build_absolute_uri(reverse("staff-invitation", args=[token]))
                messages.success(
                    request,
                    format_html(
                        "Invitation emailed to {} ({}). The link works once, until {} UTC: <code class='invite-link'>"
                        "{}</code>",
                        invitation.email,
                        role_label(invitation.actions),
                        f"{invitation.date_expires:%Y-%m-%d %H:%M}",
                        link,
                    ),
                )
                return HttpResponseRedirect(here)
            if operation in ("change", "remove"):
                member = request.POST.get("fan", "")
                wanted = _actions_from(request) if operation == "change" else []
                done = set_member_actions(
                    fan_id=member, campaign_id=campaign.pk, actions=wanted, grantable=grantable, actor=actor
                )
                messages.success(
                    request,
                    "Removed from the team."
                    if operation == "remove"
                    else f"Role changed: given {', '.join(done['granted']) or 'nothing'}; "
                    f"taken away {', '.join(done['revoked']) or 'nothing'}.",
                )
                return HttpResponseRedirect(here)
            if operation == "revoke":
                pk = request.POST.get("invitation", "")
                withdrawn = revoke_team_invitation(int(pk) if pk.isdigit() else 0, campaign_id=campaign.pk, actor=actor)
                messages.success(request, "Invitation withdrawn." if withdrawn else "Nothing to withdraw.")
                return HttpResponseRedirect(here)
        except DomainError as error:
            errors[error.field or "form"] = refusal_text(error)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Team: {campaign.name}",
        "opts": model_admin.model._meta,
        "original": campaign,
        "campaign": campaign,
        "members": team_members(campaign),
        "pending": TeamInvitation.objects.filter(
            campaign=campaign, date_accepted__isnull=True, date_revoked__isnull=True
        ),
        "roles": _role_choices(grantable),
        "actions": [action for action in CampaignAction.values if action in grantable],
        "errors": errors,
        "posted": request.POST if request.method == "POST" else {},
    }
    return TemplateResponse(request, "admin/console/team.html", context)


def invitation_view(request, token):
    """``/staff/invitations/<token>/``: what the invitation gives and from whom; accept it as the signed-in staff
    user, or create a staff account and accept. A used, withdrawn, expired or damaged link gets a page saying so."""
    context = {**admin.site.each_context(request), "title": "Join a campaign team", "token": token, "errors": {}}
    try:
        invitation = team_invitation(token)
    except DomainError as error:
        context.update(problem=error.message, reason=error.reason)
        return TemplateResponse(
            request, "staff/invitation.html", context, status=400 if error.reason == "INVITATION_INVALID" else 410
        )
    context.update(invitation=invitation, role=role_label(invitation.actions))
    if request.method == "POST":
        try:
            user = request.user if request.user.is_authenticated else None
            if user is None:
                password = request.POST.get("password", "")
                if password != request.POST.get("password2", ""):
                    context["errors"]["password2"] = "The two passwords differ."
                    return TemplateResponse(request, "staff/invitation.html", context, status=400)
                user = create_staff_account(
                    username=request.POST.get("username", ""), password=password, email=invitation.email
                )
            accepted = accept_team_invitation(token, user=user)
        except DomainError as error:
            context["errors"][error.field or "form"] = error.message
            return TemplateResponse(request, "staff/invitation.html", context, status=400)
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, f"Welcome to the team of “{accepted.campaign.name}” ({role_label(accepted.actions)})."
        )
        return HttpResponseRedirect(reverse("admin:campaigns_campaign_change", args=[accepted.campaign_id]))
    context["login_url"] = f"{reverse('admin:login')}?next={request.path}"
    return TemplateResponse(request, "staff/invitation.html", context)
