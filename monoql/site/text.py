"""The fan site's own words (page chrome, not campaign copy), its messages for the API's answers, and dates, in
the fan's language through Django's translation machinery (issue 39).

The English texts are the msgids (marked with ``gettext_noop`` in the tables, translated when a page asks); ``locale/<language>/LC_MESSAGES/django.po`` holds each language's (``make
messages`` compiles them; ``manage.py makemessages -l fr`` collects new ones). A page asks for the texts of its
locale (``words(locale)``, ``messages(locale)``); dates are written by Django's date formatting, in the event's or
campaign's time zone, with the format the language's catalog gives.

The site names what went wrong from an answer's ``extensions.reason`` (and ``code``), never from its ``message``:
GraphQL messages stay English for third-party clients; ``ERRORS`` says each reason the site's documents can answer,
in the fan's words, with ``{field}`` (the field's label on the page), ``{min}`` / ``{max}`` from the answer.
"""

import functools
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import dateformat, translation
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_noop as _

from monoql.dates import parse_iso

#: Languages the site speaks (a catalog each); other locales read English.
LANGUAGES = ("en", "fr")

WORDS = {
    "skip": _("Skip to content"),
    "language": _("Language"),
    "opens": _("Registration opens"),
    "closes": _("Registration closes"),
    "closed_on": _("Registration closed"),
    "presale": _("Presale"),
    "shows": _("Shows"),
    "faq": _("Questions"),
    "terms": _("Terms"),
    "not_open": _("Registration has not opened yet."),
    "open_cta": _("Register now"),
    "sign_in_cta": _("Sign in to register"),
    "status_cta": _("See your registration"),
    "closed": _("Registration is closed."),
    "finished": _("This presale has ended."),
    "sign_in": _("Sign in"),
    "dev_notice": _("Development sign-in: no password is checked. This form does not exist in production."),
    "email": _("Email"),
    "continue": _("Continue"),
    "signed_in_as": _("Signed in as"),
    "sign_out": _("Sign out"),
    "register": _("Register"),
    "required": _("required"),
    "optional": _("optional"),
    "choice": _("choice"),
    "none": _("No show"),
    "yes": _("Yes"),
    "no": _("No"),
    "phone_title": _("Confirm your phone"),
    "phone_help": _("We text a 6-digit code to your phone. Enter it below to confirm your registration."),
    "send_code": _("Text me a code"),
    "resend_code": _("Text me a new code"),
    "code": _("Code"),
    "confirm": _("Confirm"),
    "code_sent": _("Code sent to"),
    "status_title": _("Your registration"),
    "registered_on": _("Registered"),
    "phone_confirmed": _("Phone confirmed"),
    "phone_unconfirmed": _("Phone not confirmed yet"),
    "confirm_now": _("Confirm your phone"),
    "your_shows": _("Your shows"),
    "eligible": _("You are eligible."),
    "confirm_to_be_eligible": _("Confirm your phone to take part: until then you cannot be selected."),
    "invite_only_note": _(
        "This presale is by invitation only: sign in with the email address your invitation was sent to."
    ),
    "not_invited": _(
        "{email} is not on this presale's invitation list. If your invitation went to another address, sign out and sign in with that one."
    ),
    "not_eligible": _("You are not eligible"),
    "selected": _("You were selected"),
    "waitlisted": _("You are on the waitlist: we will tell you if a place opens up."),
    "your_code": _("Your presale code"),
    "code_later": _("Your code appears here when the presale window opens."),
    "buy": _("Go to the presale"),
    "edit": _("Change your registration"),
    "privacy_title": _("Your data"),
    "do_not_sell": _("Do not sell or share my personal information"),
    "do_not_sell_on": _("Saved: your data will not be sold or shared, and your marketing opt-ins are off."),
    "do_not_sell_off": _("Saved: your choice was cleared."),
    "download_data": _("Download my data"),
    "download_ready": _("Your data is downloaded as my-data.json."),
    "not_registered": _("You have not registered."),
    "back": _("Back to the campaign"),
    "password_title": _("This presale is protected"),
    "password_intro": _("Enter the presale password you were given to see this presale."),
    "password_label": _("Presale password"),
    "password_submit": _("See the presale"),
    "password_wrong": _("That password is not right. Check it and try again."),
    "password_locked": _("Too many tries. Wait {minutes} minutes, then try again."),
    "not_found": _("No campaign here."),
    "index_title": _("Presale registrations"),
    "gate": _("You cannot register"),
    "error_summary": _("Please fix the following"),
    "saved": _("Saved."),
    "working": _("Working…"),
    "sign_in_with": _("Continue with {provider}"),
    "sign_in_provider": _("your account"),
    "sign_in_intro": _("You sign in on {provider}'s own page, then come back here to register."),
    "sign_in_cancelled": _("You cancelled the sign-in. Sign in whenever you are ready."),
    "sign_in_failed": _("Sign-in did not work. Try again."),
    "sign_in_unavailable": _("The sign-in service is not answering. Try again in a few minutes."),
    "sign_in_limited": _("Too many sign-ins from here. Wait a few minutes, then try again."),
    "not_configured": _("Sign-in is not available on this site yet."),
}

#: Why a fan is not eligible, in words (``Eligibility.reason``); campaign copy (``content.errors``) wins.
REASONS = {
    "NO_CARD": _("This presale is for holders of a specific card."),
    "NOT_LINKED": _("This presale needs a linked account."),
    "NO_IDV": _("This presale needs a verified identity."),
    "NO_INVITE": _("This presale is by invitation only."),
    "NO_LINKED_CAMPAIGN_ENTRY": _("This presale is for fans registered in an earlier presale."),
    "NO_PAST_PARTICIPATION": _("This presale is for fans selected in an earlier presale."),
    "CAMPAIGN_NOT_OPEN": _("Registration has not opened yet."),
    "CAMPAIGN_CLOSED": _("Registration closed before you registered."),
    "ENTRY_BLOCKED": _("Your registration cannot be selected."),
    "PHONE_NOT_CONFIRMED": _("Your phone was not confirmed before registration closed."),
}

#: What the site says for an API answer's ``extensions.reason`` (the reasons the site's documents declare; a
#: ``.min`` / ``.max`` variant when the answer gives only that bound). ``{field}`` is the field's label.
ERRORS = {
    "notLoggedIn": _("Your session ended. Sign in again to continue."),
    "REVOKED_TOKEN": _("You signed out. Sign in again to continue."),
    "invalidSession": _("You signed in with another account. Sign in again."),
    "CAMPAIGN_NOT_FOUND": _("This presale is no longer available."),
    "invalidCampaignStatus": _("Registration is not open."),
    "INVALID_ENTRY": _("Your registration could not be read. Reload the page and try again."),
    "INVALID_LOCALE": _("This language is not offered for this presale."),
    "ENTRY_UNKNOWN_FIELD": _("This form is out of date. Reload the page and try again."),
    "EntryInvalidField": _("Enter a valid value for “{field}”."),
    "ENTRY_MISSING_CONTACT": _("Enter an email address or a phone number."),
    "MISSING_REQUIRED_FIELDS": _("“{field}” is required."),
    "EntryEmptyField": _("Fill in “{field}”."),
    "EntryInvalidBoolean": _("Choose yes or no for “{field}”."),
    "EntryInvalidChecklistVals": _("Choose from the list for “{field}”."),
    "EntryInvalidDestinationCity": _("Choose each show from the list, once, and not your first choice again."),
    "EntryInvalidFreeFormTextInRange": _("Enter between {min} and {max} characters in “{field}”."),
    "EntryInvalidFreeFormTextInRange.max": _("Enter at most {max} characters in “{field}”."),
    "EntryInvalidFreeFormTextInRange.min": _("Enter at least {min} characters in “{field}”."),
    "EntryInvalidTicketCount": _("Enter a whole number of tickets."),
    "EntryInvalidTicketCountInRange": _("Choose between {min} and {max} tickets."),
    "EntryInvalidTicketCountInRange.max": _("Choose at most {max} tickets."),
    "EntryInvalidTicketCountInRange.min": _("Choose at least {min} tickets."),
    "ENTRY_INVALID_INTL_PHONE": _("This presale accepts only phone numbers from the countries of its shows."),
    "CampaignMissingChecklistItems": _("This question cannot be answered yet. Contact the organizer."),
    "InvalidPreferenceCampaignSchemaType": _("This form cannot be filled in yet. Contact the organizer."),
    "ENTRY_CONFLICT": _("Your registration could not be saved. Try again."),
    "TOO_MANY_CODES": _("You asked for too many codes. Wait a few minutes, then ask again."),
    "PHONE_CODE_EXPIRED": _("This code has expired. Ask for a new one."),
    "PHONE_CODE_INVALID": _("This code is not right. Check it and try again."),
    "TOO_MANY_ATTEMPTS": _("Too many wrong codes. Ask for a new code."),
    "ENTRY_NOT_FOUND": _("Register first, then confirm your phone."),
    "INVALID_PHONE_JWT": _("Your confirmation expired. Ask for a new code."),
    "PHONE_JWT_EXPIRED": _("Your confirmation expired. Ask for a new code."),
    "PHONE_MISMATCH": _("This code was sent to another number. Ask for a new code."),
    "CAMPAIGN_MISMATCH": _("This code was for another presale. Ask for a new code."),
    "phoneAlreadyConfirmed": _("Your phone is already confirmed."),
    "INVALID_IDENTITY_TOKEN": _("Sign-in did not work. Try again."),
    "EXPIRED_IDENTITY_TOKEN": _("Your sign-in took too long. Sign in again."),
    "TOO_MANY_SIGN_INS": _("Too many sign-ins from here. Wait a few minutes, then try again."),
}

#: What the site says for an answer whose reason ``ERRORS`` does not name, by ``extensions.code`` (``.field``: the
#: answer names a field).
CODES = {
    "VALIDATION_ERROR": _("Check your answers and try again."),
    "VALIDATION_ERROR.field": _("Check “{field}”."),
    "UNAUTHENTICATED": _("Sign in again to continue."),
    "FORBIDDEN": _("You cannot do this for this presale."),
    "NOT_FOUND": _("This presale is no longer available."),
    "RATE_LIMITED": _("Too many tries. Wait a few minutes, then try again."),
    "SERVICE_UNAVAILABLE": _("We are busy right now. Try again in a moment."),
    "INTERNAL_ERROR": _("Something went wrong on our side. Try again."),
}

#: The ranked market choice's labels (the form has at most four ranks).
RANKS = {1: _("1st choice"), 2: _("2nd choice"), 3: _("3rd choice"), 4: _("4th choice")}


def date_time_format() -> str:
    """A date and time as a fan of the active language reads it (Django's date format characters; ``T`` is the
    zone): the catalog's translation of the English format."""
    return pgettext(
        "fan site: an event's or registration's date and time, Django date format (l weekday, F month, T zone)",
        "l, F j, Y, g:i A T",
    )


def language(locale: str) -> str:
    """``en`` or ``fr`` for a campaign locale such as ``fr_CA`` (other languages read English chrome)."""
    head = (locale or "en").split("_")[0].lower()
    return head if head in LANGUAGES else "en"


def _translated(table: dict, locale: str) -> dict:
    with translation.override(language(locale)):
        return {key: gettext(value) for key, value in table.items()}


@functools.lru_cache(maxsize=8)
def _words(lang: str) -> dict:
    return _translated(WORDS, lang)


def words(locale: str) -> dict:
    """The chrome words of ``locale``'s language (``{key: text}``)."""
    return dict(_words(language(locale)))


@functools.lru_cache(maxsize=8)
def _messages(lang: str) -> dict:
    return {"reasons": {**_translated(REASONS, lang), **_translated(ERRORS, lang)}, "codes": _translated(CODES, lang)}


def messages(locale: str) -> dict:
    """The site's messages for API answers in ``locale``'s language: ``{"reasons": {reason: text}, "codes": {code:
    text}}`` (the browser module picks one by ``extensions.reason``, else ``code``)."""
    return _messages(language(locale))


def reason_text(reason: str | None, locale: str, campaign_errors: dict) -> str:
    """A sentence for an eligibility ``reason``: the campaign's own copy, else ours, else the reason code."""
    if not reason:
        return ""
    return campaign_errors.get(reason) or _messages(language(locale))["reasons"].get(reason) or reason


def ordinal(rank: int, locale: str) -> str:
    """The label of the ranked market choice ``rank`` (1-based): "2nd choice", « 2e choix »."""
    with translation.override(language(locale)):
        return gettext(RANKS.get(rank) or RANKS[4])


def when(value: str | datetime | None, zone: str | None, locale: str) -> str:
    """``value`` (UTC ISO-8601 or datetime) as a fan reads it in ``zone``: ``Friday, March 3, 2026, 7:00 PM EST``,
    ``vendredi 3 mars 2026, 19 h 00 EST`` (Django's date formatting, the language's ``date_time_format()``). '' for no
    value; an unknown zone reads UTC."""
    moment = parse_iso(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    with translation.override(language(locale)):
        return dateformat.format(moment.astimezone(tz), date_time_format()).strip()


#: Each locale's name in its own language (the fan site's language switcher): never translated.
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
