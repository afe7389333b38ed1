"""Staff's list of mail domains for the bot score (issue 37): disposable ones beside the package's list, and blocked
ones whose entries get ``verdict = false`` at the next score."""

from django.db import IntegrityError, transaction

from campaigns.reasons import CampaignsReason
from entries.models import MailDomain, MailDomainRule
from entries.reasons import EntriesReason
from monoql.audit import Actor, record
from monoql.errors import ValidationFailed


def _domain(value: str) -> str:
    domain = (value or "").strip().lower().lstrip("@")
    if not domain or "." not in domain or " " in domain or "@" in domain or len(domain) > 253:
        raise ValidationFailed(
            f"'{value}' is not a mail domain (e.g. example.com).", reason=CampaignsReason.INVALID_DOMAIN, field="domain"
        )
    return domain


def add_mail_domain(domain: str, rule: str, *, note: str = "", actor: Actor) -> MailDomain:
    """List ``domain`` as ``disposable`` or ``blocked`` for the bot score; one audit-log row (``mailDomain.add``).

    Returns: the MailDomain. Raises: ValidationFailed ``INVALID_DOMAIN`` (field ``domain``), ``INVALID_RULE``
    (field ``rule``), ``DOMAIN_ALREADY_LISTED`` (field ``domain``).
    """
    if rule not in MailDomainRule.values:
        raise ValidationFailed("rule must be disposable or blocked.", reason=EntriesReason.INVALID_RULE, field="rule")
    domain = _domain(domain)
    try:
        with transaction.atomic():
            listed = MailDomain.objects.create(domain=domain, rule=rule, note=note[:255])
            record(actor, "mailDomain.add", target=f"mailDomain:{domain}", changes={"rule": rule})
    except IntegrityError:
        raise ValidationFailed(
            f"{domain} is already listed.", reason=EntriesReason.DOMAIN_ALREADY_LISTED, field="domain"
        ) from None
    return listed


def remove_mail_domain(domain_id: int, *, actor: Actor) -> int:
    """Take a domain off the list; one audit-log row (``mailDomain.remove``). Returns 1, or 0 when already gone."""
    with transaction.atomic():
        listed = MailDomain.objects.select_for_update().filter(pk=domain_id).first()
        if listed is None:
            return 0
        listed.delete()
        record(actor, "mailDomain.remove", target=f"mailDomain:{listed.domain}", changes={"rule": listed.rule})
        return 1
