"""The fan site's own words (page chrome, not campaign copy) in the languages campaigns use, and dates
written the way a fan of that language reads them, in the event's or campaign's time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monoql.dates import parse_iso

WORDS = {
    "en": {
        "skip": "Skip to content",
        "language": "Language",
        "opens": "Registration opens",
        "closes": "Registration closes",
        "closed_on": "Registration closed",
        "presale": "Presale",
        "shows": "Shows",
        "faq": "Questions",
        "terms": "Terms",
        "not_open": "Registration has not opened yet.",
        "open_cta": "Register now",
        "sign_in_cta": "Sign in to register",
        "status_cta": "See your registration",
        "closed": "Registration is closed.",
        "finished": "This presale has ended.",
        "sign_in": "Sign in",
        "dev_notice": "Development sign-in: no password is checked. This form does not exist in production.",
        "email": "Email",
        "continue": "Continue",
        "signed_in_as": "Signed in as",
        "sign_out": "Sign out",
        "register": "Register",
        "required": "required",
        "optional": "optional",
        "choice": "choice",
        "none": "No show",
        "yes": "Yes",
        "no": "No",
        "phone_title": "Confirm your phone",
        "phone_help": "We text a 6-digit code to your phone. Enter it below to confirm your registration.",
        "send_code": "Text me a code",
        "resend_code": "Text me a new code",
        "code": "Code",
        "confirm": "Confirm",
        "code_sent": "Code sent to",
        "status_title": "Your registration",
        "registered_on": "Registered",
        "phone_confirmed": "Phone confirmed",
        "phone_unconfirmed": "Phone not confirmed yet",
        "confirm_now": "Confirm your phone",
        "your_shows": "Your shows",
        "eligible": "You are eligible.",
        "confirm_to_be_eligible": "Confirm your phone to take part: until then you cannot be selected.",
        "invite_only_note": "This presale is by invitation only: sign in with the email address your invitation was sent to.",
        "not_invited": "{email} is not on this presale's invitation list. If your invitation went to another address, sign out and sign in with that one.",
        "not_eligible": "You are not eligible",
        "selected": "You were selected",
        "waitlisted": "You are on the waitlist: we will tell you if a place opens up.",
        "your_code": "Your presale code",
        "code_later": "Your code appears here when the presale window opens.",
        "buy": "Go to the presale",
        "edit": "Change your registration",
        "privacy_title": "Your data",
        "do_not_sell": "Do not sell or share my personal information",
        "do_not_sell_on": "Saved: your data will not be sold or shared, and your marketing opt-ins are off.",
        "do_not_sell_off": "Saved: your choice was cleared.",
        "download_data": "Download my data",
        "download_ready": "Your data is downloaded as my-data.json.",
        "not_registered": "You have not registered.",
        "back": "Back to the campaign",
        "password_title": "This presale is protected",
        "password_intro": "Enter the presale password you were given to see this presale.",
        "password_label": "Presale password",
        "password_submit": "See the presale",
        "password_wrong": "That password is not right. Check it and try again.",
        "password_locked": "Too many tries. Wait {minutes} minutes, then try again.",
        "not_found": "No campaign here.",
        "index_title": "Presale registrations",
        "gate": "You cannot register",
        "error_summary": "Please fix the following",
        "saved": "Saved.",
        "working": "Working…",
    },
    "fr": {
        "skip": "Aller au contenu",
        "language": "Langue",
        "opens": "Ouverture des inscriptions",
        "closes": "Fermeture des inscriptions",
        "closed_on": "Inscriptions fermées le",
        "presale": "Prévente",
        "shows": "Spectacles",
        "faq": "Questions",
        "terms": "Conditions",
        "not_open": "Les inscriptions ne sont pas encore ouvertes.",
        "open_cta": "S'inscrire",
        "sign_in_cta": "Se connecter pour s'inscrire",
        "status_cta": "Voir mon inscription",
        "closed": "Les inscriptions sont fermées.",
        "finished": "Cette prévente est terminée.",
        "sign_in": "Se connecter",
        "dev_notice": "Connexion de développement : aucun mot de passe n'est vérifié. Ce formulaire n'existe pas en production.",
        "email": "Courriel",
        "continue": "Continuer",
        "signed_in_as": "Connecté en tant que",
        "sign_out": "Se déconnecter",
        "register": "S'inscrire",
        "required": "obligatoire",
        "optional": "facultatif",
        "choice": "choix",
        "none": "Aucun spectacle",
        "yes": "Oui",
        "no": "Non",
        "phone_title": "Confirmez votre téléphone",
        "phone_help": "Nous envoyons un code à 6 chiffres par texto. Entrez-le ci-dessous pour confirmer votre inscription.",
        "send_code": "M'envoyer un code",
        "resend_code": "M'envoyer un nouveau code",
        "code": "Code",
        "confirm": "Confirmer",
        "code_sent": "Code envoyé au",
        "status_title": "Votre inscription",
        "registered_on": "Inscrit le",
        "phone_confirmed": "Téléphone confirmé",
        "phone_unconfirmed": "Téléphone pas encore confirmé",
        "confirm_now": "Confirmer votre téléphone",
        "your_shows": "Vos spectacles",
        "eligible": "Vous êtes admissible.",
        "confirm_to_be_eligible": "Confirmez votre téléphone pour participer : d'ici là, vous ne pouvez pas être sélectionné.",
        "invite_only_note": "Cette prévente est sur invitation seulement : connectez-vous avec l'adresse courriel à laquelle votre invitation a été envoyée.",
        "not_invited": "{email} ne figure pas sur la liste d'invitation de cette prévente. Si votre invitation a été envoyée à une autre adresse, déconnectez-vous et connectez-vous avec celle-ci.",
        "not_eligible": "Vous n'êtes pas admissible",
        "selected": "Vous avez été sélectionné",
        "waitlisted": "Vous êtes sur la liste d'attente : nous vous écrirons si une place se libère.",
        "your_code": "Votre code de prévente",
        "code_later": "Votre code apparaîtra ici à l'ouverture de la prévente.",
        "buy": "Aller à la prévente",
        "edit": "Modifier votre inscription",
        "privacy_title": "Vos données",
        "do_not_sell": "Ne pas vendre ni partager mes renseignements personnels",
        "do_not_sell_on": "Enregistré : vos données ne seront ni vendues ni partagées, vos consentements marketing sont retirés.",
        "do_not_sell_off": "Enregistré : votre choix est effacé.",
        "download_data": "Télécharger mes données",
        "download_ready": "Vos données sont téléchargées dans my-data.json.",
        "not_registered": "Vous n'êtes pas inscrit.",
        "back": "Retour à la campagne",
        "password_title": "Cette prévente est protégée",
        "password_intro": "Entrez le mot de passe de prévente qui vous a été remis pour voir cette prévente.",
        "password_label": "Mot de passe de la prévente",
        "password_submit": "Voir la prévente",
        "password_wrong": "Ce mot de passe n'est pas le bon. Vérifiez-le et réessayez.",
        "password_locked": "Trop d'essais. Attendez {minutes} minutes, puis réessayez.",
        "not_found": "Aucune campagne ici.",
        "index_title": "Inscriptions aux préventes",
        "gate": "Vous ne pouvez pas vous inscrire",
        "error_summary": "Veuillez corriger ce qui suit",
        "saved": "Enregistré.",
        "working": "Un instant…",
    },
}

#: Why a fan is not eligible, in words (``Eligibility.reason``); campaign copy (``content.errors``) wins.
REASONS = {
    "en": {
        "NO_CARD": "This presale is for holders of a specific card.",
        "NOT_LINKED": "This presale needs a linked account.",
        "NO_IDV": "This presale needs a verified identity.",
        "NO_INVITE": "This presale is by invitation only.",
        "NO_LINKED_CAMPAIGN_ENTRY": "This presale is for fans registered in an earlier presale.",
        "NO_PAST_PARTICIPATION": "This presale is for fans selected in an earlier presale.",
        "CAMPAIGN_NOT_OPEN": "Registration has not opened yet.",
        "CAMPAIGN_CLOSED": "Registration closed before you registered.",
        "ENTRY_BLOCKED": "Your registration cannot be selected.",
        "PHONE_NOT_CONFIRMED": "Your phone was not confirmed before registration closed.",
    },
    "fr": {
        "NO_CARD": "Cette prévente est réservée aux détenteurs d'une carte précise.",
        "NOT_LINKED": "Cette prévente demande un compte lié.",
        "NO_IDV": "Cette prévente demande une identité vérifiée.",
        "NO_INVITE": "Cette prévente est sur invitation seulement.",
        "NO_LINKED_CAMPAIGN_ENTRY": "Cette prévente est réservée aux fans inscrits à une prévente précédente.",
        "NO_PAST_PARTICIPATION": "Cette prévente est réservée aux fans sélectionnés à une prévente précédente.",
        "CAMPAIGN_NOT_OPEN": "Les inscriptions ne sont pas encore ouvertes.",
        "CAMPAIGN_CLOSED": "Les inscriptions ont fermé avant votre inscription.",
        "ENTRY_BLOCKED": "Votre inscription ne peut pas être sélectionnée.",
        "PHONE_NOT_CONFIRMED": "Votre téléphone n'a pas été confirmé avant la fermeture des inscriptions.",
    },
}

_MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
}
_DAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche".split(),
}


def language(locale: str) -> str:
    """``en`` or ``fr`` for a campaign locale such as ``fr_CA`` (other languages read English chrome)."""
    head = (locale or "en").split("_")[0].lower()
    return head if head in WORDS else "en"


def words(locale: str) -> dict:
    """The chrome words of ``locale``'s language."""
    return WORDS[language(locale)]


def reason_text(reason: str | None, locale: str, campaign_errors: dict) -> str:
    """A sentence for an eligibility ``reason``: the campaign's own copy, else ours, else the reason code."""
    if not reason:
        return ""
    return campaign_errors.get(reason) or REASONS[language(locale)].get(reason) or reason


def when(value: str | datetime | None, zone: str | None, locale: str) -> str:
    """``value`` (UTC ISO-8601 or datetime) as a fan reads it in ``zone``: ``Friday, March 3, 2026, 7:00 PM EST``
    (``vendredi 3 mars 2026, 19 h 00 HNE`` style in French, with the zone's abbreviation). '' for no value."""
    moment = parse_iso(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = moment.astimezone(tz)
    lang = language(locale)
    day, month = _DAYS[lang][local.weekday()], _MONTHS[lang][local.month - 1]
    abbreviation = local.tzname() or ""
    if lang == "fr":
        return f"{day} {local.day} {month} {local.year}, {local.hour} h {local.minute:02d} {abbreviation}".strip()
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{day}, {month} {local.day}, {local.year}, {hour}:{local.minute:02d} {half} {abbreviation}".strip()


#: Each locale's name in its own language (the fan site's language switcher).
LOCALE_NAMES = {
    "en_US": "English (US)",
    "en_CA": "English (Canada)",
    "en_GB": "English (UK)",
    "fr_CA": "Français (Canada)",
    "fr_FR": "Français (France)",
    "es_US": "Español (EE. UU.)",
    "es_MX": "Español (México)",
    "de_DE": "Deutsch",
}


def locale_name(locale: str) -> str:
    """``locale`` named in its own language (``fr_CA`` → "Français (Canada)"); the code itself when unknown."""
    return LOCALE_NAMES.get(locale, locale)
