"""The demo campaign served by ``make run``: Metallica WorldWired Tour 2017, OPEN on metallica.localhost."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Fan, Supreme
from campaigns.models import Campaign, CampaignLocale, CampaignStatus
from campaigns.services.discovery_import import import_discovery_events
from monoql.audit import Actor

DEMO_DOMAIN = "metallica.localhost"
DEMO_ATTRACTION = "Metallica"

DEMO_PREFERENCES = [
    {"id": "email", "type": "email", "is_optional": False, "label": {"en_US": "Email", "fr_CA": "Courriel"}},
    {
        "id": "phone",
        "type": "phone",
        "is_optional": False,
        "label": {"en_US": "Mobile phone", "fr_CA": "Téléphone mobile"},
    },
    {
        "id": "market",
        "type": "market_select",
        "is_optional": False,
        "label": {"en_US": "Your show", "fr_CA": "Votre spectacle"},
    },
    {
        "id": "optional_markets",
        "type": "additional_markets_select",
        "is_optional": True,
        "label": {"en_US": "Other shows (up to 3)", "fr_CA": "Autres spectacles (jusqu'à 3)"},
        "additional": {"max": 3},
    },
    {
        "id": "allow_marketing",
        "type": "opt_in",
        "is_optional": True,
        "label": {"en_US": "Send me news from Metallica", "fr_CA": "Envoyez-moi les nouvelles de Metallica"},
    },
]


def _content(lang):
    if lang == "fr_CA":
        return {
            "meta": {"title": "Metallica — WorldWired Tour 2017 : prévente Verified Fan"},
            "body": {
                "started": {
                    "welcome": {
                        "header": "Inscrivez-vous à la prévente Verified Fan",
                        "above_button": "Inscrivez-vous avant la fermeture pour courir la chance d'obtenir un code.",
                        "sign_in_button_content": "Se connecter",
                    },
                    "registration": {"header": "Choisissez vos spectacles", "submit_button_content": "S'inscrire"},
                    "entry": {"header": "Vous êtes inscrit", "main": "Nous vous écrirons si vous êtes sélectionné."},
                },
                "finished": {"welcome": {"header": "Les inscriptions sont fermées", "main": "Merci de votre intérêt."}},
                "terms": {"main": "Une inscription par personne. Les codes ne garantissent pas de billets."},
            },
            "errors": [
                {"code": "CAMPAIGN_CLOSED", "message": "Cette campagne est fermée et n'accepte plus d'inscriptions."}
            ],
        }
    return {
        "meta": {"title": "Metallica — WorldWired Tour 2017: Verified Fan presale"},
        "body": {
            "started": {
                "welcome": {
                    "header": "Register for the Verified Fan presale",
                    "above_button": "Register before registration closes for a chance at a presale code.",
                    "sign_in_button_content": "Sign in",
                },
                "registration": {"header": "Pick your shows", "submit_button_content": "Register"},
                "entry": {"header": "You're registered", "main": "We'll email you if you are selected."},
            },
            "finished": {"welcome": {"header": "Registration is closed", "main": "Thanks for your interest."}},
            "terms": {"main": "One registration per person. Codes do not guarantee tickets."},
        },
        "errors": [
            {"code": "CAMPAIGN_CLOSED", "message": "This campaign has closed and is no longer accepting entries."}
        ],
    }


@dataclass
class DemoResult:
    """What ``load_demo`` did; ``admin_password`` is set only when the staff user was created now."""

    campaign: Campaign
    admin_username: str
    admin_password: str | None


def load_demo(
    events_text: str, *, admin_username: str, admin_email: str, admin_password: str | None, actor: Actor
) -> DemoResult:
    """Import the demo tour, open it with en_US/fr_CA content and the registration form, create a supreme staff user.

    Idempotent: a second run updates the campaign in place and reuses the staff user (its password is
    kept and not returned). ``actor``: who loads it (the import's audit-log row names them).
    """
    with transaction.atomic():
        result = import_discovery_events(events_text, attraction=DEMO_ATTRACTION, domain=DEMO_DOMAIN, actor=actor)
        campaign = result.campaign
        now = timezone.now()
        if campaign.status != CampaignStatus.OPEN:
            campaign.status = CampaignStatus.OPEN
            campaign.date_opened = now
            campaign.date_open = None
        campaign.date_close = campaign.date_close or now + timedelta(days=90)
        if campaign.date_presale_window_start and campaign.date_presale_window_start < campaign.date_close:
            # The 2017 tour's presale is long past: keep the demo's dates in the order staff must keep.
            campaign.date_presale_window_start = campaign.date_close + timedelta(days=1)
            campaign.date_presale_window_end = campaign.date_presale_window_start + timedelta(days=2)
        campaign.identifier = "globalUserId"
        campaign.preferences = DEMO_PREFERENCES
        campaign.domain_share = DEMO_DOMAIN
        campaign.save()
        for locale, is_default in (("en_US", True), ("fr_CA", False)):
            CampaignLocale.objects.update_or_create(
                campaign=campaign, locale=locale, defaults={"is_default": is_default, "content": _content(locale)}
            )

        User = get_user_model()
        user = User.objects.filter(username=admin_username).first()
        password = None
        if user is None:
            password = admin_password or secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=admin_username, email=admin_email, password=password)
        fan, _ = Fan.objects.get_or_create(
            global_user_id=f"staff-{admin_username}", defaults={"email": admin_email, "user": user}
        )
        Supreme.objects.get_or_create(fan=fan)
        return DemoResult(campaign=campaign, admin_username=admin_username, admin_password=password)
