"""Entries: one fan's registration in one campaign, with ranked market preferences."""

from django.db import models


class Entry(models.Model):
    """A fan's registration (catalog §3.6.1 "Stored entry"); one per campaign and fan."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="entries")
    fan = models.ForeignKey("accounts.Fan", on_delete=models.CASCADE, related_name="entries")
    fields = models.JSONField(default=dict, blank=True, help_text="Validated form values keyed by field id.")
    locale = models.CharField(max_length=8, default="en_US")
    attributes = models.JSONField(default=dict, blank=True)
    origin = models.JSONField(default=dict, blank=True, help_text="Request metadata: ip, user_agent, ...")
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)
    date_phone_confirmed = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "entries"
        constraints = [models.UniqueConstraint(fields=["campaign", "fan"], name="entry_one_per_fan")]
        indexes = [models.Index(fields=["campaign", "date_created"], name="entry_campaign_created_idx")]

    def __str__(self):
        return f"entry {self.pk} ({self.campaign_id}/{self.fan_id})"


class EntryMarketPreference(models.Model):
    """One ranked market choice of an entry: rank 0 = primary market, 1..3 = additional markets.

    ``campaign`` is copied from the entry so that counting by (market, rank) in a campaign is one query
    on one index (catalog §3.6.6 ``entriesByMarketPreference``).
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="market_preferences")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    market = models.ForeignKey("campaigns.Market", on_delete=models.CASCADE, related_name="preferences")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["entry", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "rank"], name="entry_preference_rank_unique"),
            models.UniqueConstraint(fields=["entry", "market"], name="entry_preference_market_unique"),
        ]
        indexes = [models.Index(fields=["campaign", "market", "rank"], name="entry_pref_campaign_market_idx")]
