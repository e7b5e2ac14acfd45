"""Cases (社情民意/诉求): categories, routing, deadlines, the case and its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongzhi.core.crypto import EncryptedCharField
from gongzhi.core.models import BaseModel
from gongzhi.core.validators import phone_validator

from .choices import (
    AttributeType,
    Channel,
    ExtensionStatus,
    HandlingRole,
    Satisfaction,
    Solved,
    Status,
    SupervisionReason,
    Urgency,
)


class Category(BaseModel):
    """What a case is about; an Open311 service."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    group = models.CharField(_("group"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Comma-separated.")
    )
    default_urgency = models.CharField(
        _("default urgency"),
        max_length=10,
        choices=Urgency.choices,
        default=Urgency.GENERAL,
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Bumped whenever one of its questions is saved or deleted: processes cache
    # the questions by (category, revision) (cases.attributes.category_questions).
    questions_revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class CategoryAttribute(models.Model):
    """An extra question asked when reporting a case of a category."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="attributes",
    )
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("type"), max_length=20, choices=AttributeType.choices)
    question_zh = models.CharField(_("question (Chinese)"), max_length=200)
    question_en = models.CharField(_("question (English)"), max_length=200)
    required = models.BooleanField(_("required"), default=False)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_(
            'For choice types: [{"key": "k", "name_zh": "…", "name_en": "…"}].'
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="attribute_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def question(self) -> str:
        return (
            self.question_en
            if (get_language() or "").startswith("en")
            else self.question_zh
        )

    def value_name(self, key: str) -> str:
        english = (get_language() or "").startswith("en")
        for value in self.values:
            if value.get("key") == key:
                return value.get("name_en" if english else "name_zh") or key
        return key


def _bump_questions_revision(instance: CategoryAttribute, **kwargs: object) -> None:
    Category.objects.filter(pk=instance.category_id).update(
        questions_revision=F("questions_revision") + 1
    )


post_save.connect(_bump_questions_revision, sender=CategoryAttribute)
post_delete.connect(_bump_questions_revision, sender=CategoryAttribute)


class RoutingRule(BaseModel):
    """Which unit leads (and which assist) for a category in a place.

    The most specific matching rule wins: street over estate over cooperative over
    community over none, and a rule naming a category over one that does not.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("Empty: every category."),
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    cooperative = models.ForeignKey(
        "places.EconomicCooperative",
        verbose_name=_("economic cooperative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    estate = models.ForeignKey(
        "places.Estate",
        verbose_name=_("housing estate"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    street = models.ForeignKey(
        "places.Street",
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    lead = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assisting = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("assisting units"),
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category", "community"]

    def __str__(self) -> str:
        place = self.street or self.estate or self.cooperative or self.community
        category = self.category or _("any category")
        return f"{category} @ {place or _('anywhere')} → {self.lead}"

    @property
    def specificity(self) -> int:
        place = (
            4
            if self.street_id
            else 3
            if self.estate_id
            else 2
            if self.cooperative_id
            else 1
            if self.community_id
            else 0
        )
        return place * 2 + (1 if self.category_id else 0)


class DeadlinePolicy(BaseModel):
    """Time limits for a category and urgency, in working days (hours for contact)."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_policies",
        help_text=_("Empty: the default for every category."),
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    signoff_days = models.PositiveSmallIntegerField(
        _("sign-off limit (working days)"), default=1
    )
    contact_hours = models.PositiveSmallIntegerField(
        _("contact the reporter within (hours)"), default=24
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("resolution limit (working days)")
    )
    extension_cap_days = models.PositiveSmallIntegerField(
        _("total limit with extension (working days)"), default=15
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["category", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "urgency"], name="deadline_policy_unique"
            ),
            # One default per urgency (NULL categories are distinct in a plain
            # unique constraint on every database).
            models.UniqueConstraint(
                fields=["urgency"],
                condition=Q(category__isnull=True),
                name="deadline_policy_one_default",
            ),
            models.CheckConstraint(
                condition=Q(resolve_days__gte=1) & Q(signoff_days__gte=1),
                name="deadline_policy_positive",
            ),
            models.CheckConstraint(
                condition=Q(extension_cap_days__gte=F("resolve_days")),
                name="deadline_policy_cap_covers_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or _('default')} · {self.get_urgency_display()}"


class Case(BaseModel):
    """A reported problem, complaint, enquiry, help request, suggestion or need."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    # sha256 of the reporter's tracking token; the token itself is shown once.
    token_hash = models.CharField(max_length=64, editable=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    description = models.TextField(_("description"))
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REPORTED,
        editable=False,
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.GENERAL
    )
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    # Where
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    cooperative = models.ForeignKey(
        "places.EconomicCooperative",
        verbose_name=_("economic cooperative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    estate = models.ForeignKey(
        "places.Estate",
        verbose_name=_("housing estate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    street = models.ForeignKey(
        "places.Street",
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    # Who
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = EncryptedCharField(
        _("reporter's phone"), max_length=20, validators=[phone_validator]
    )
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    # PIPL: when the reporter agreed to be contacted by the phone or e-mail given
    # (the report form's box, the caller's word on the hotline, an API client's
    # statement); empty when no consent was recorded.
    contact_consent_at = models.DateTimeField(
        _("consent to contact given at"), null=True, blank=True
    )
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("The reporter's name is never shown, even to handlers."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    # Handling
    lead_unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    # Clock
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    contacted_at = models.DateTimeField(
        _("reporter contacted at"), null=True, blank=True
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When the current handling unit's clock started (each dispatch restarts it).
    clock_started_at = models.DateTimeField(
        _("clock started at"), null=True, blank=True
    )
    signoff_due_at = models.DateTimeField(_("sign-off due"), null=True, blank=True)
    contact_due_at = models.DateTimeField(_("contact due"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(
        _("resolution due"), null=True, blank=True, db_index=True
    )
    # Flags
    is_overdue = models.BooleanField(_("overdue"), default=False)
    extension_days = models.PositiveSmallIntegerField(
        _("extension granted (working days)"), default=0
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    under_supervision = models.BooleanField(_("under supervision"), default=False)
    supervision_reason = models.CharField(
        _("supervision reason"),
        max_length=12,
        choices=SupervisionReason.choices,
        blank=True,
    )
    reopen_requested = models.BooleanField(
        _("reopen requested"),
        default=False,
        help_text=_("The reporter rated the result unsolved or unsatisfactory."),
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    unit_count = models.PositiveSmallIntegerField(
        _("units it passed through"), default=0
    )
    supporter_count = models.PositiveIntegerField(_("supporters"), default=0)
    # Optimistic locking: a form carries the version it was rendered with.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(
                fields=["status", "resolve_due_at"], name="case_status_due_idx"
            ),
            models.Index(fields=["lead_unit", "status"], name="case_unit_status_idx"),
            models.Index(
                fields=["community", "status"], name="case_community_status_idx"
            ),
            models.Index(
                fields=["category", "status", "reported_at"], name="case_category_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.number])


class HandlingAssignment(BaseModel):
    """A unit's part in a case: the lead unit or an assisting one, per dispatch."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="case_assignments",
    )
    role = models.CharField(_("role"), max_length=10, choices=HandlingRole.choices)
    dispatched_at = models.DateTimeField(_("dispatched at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handling assignment")
        verbose_name_plural = _("handling assignments")
        ordering = ["case", "dispatched_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role=HandlingRole.LEAD, ended_at__isnull=True),
                name="one_active_lead_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.organisation} ({self.get_role_display()})"


class CaseEvent(models.Model):
    """One immutable entry in a case's timeline: who did what, when, from and to."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Case events are immutable.")
        super().save(*args, **kwargs)


def _photo_path(instance: CasePhoto, filename: str) -> str:
    return f"cases/{instance.case.reported_at:%Y/%m}/{instance.case.number}/{filename}"


class CasePhoto(BaseModel):
    """A photo attached at report time or to a later event (EXIF stripped)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.image.name


class Supporter(BaseModel):
    """A "me too" on a case: another resident with the same problem."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supporters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # For anonymous supporters: a hash of the browser session, to count each once.
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(user__isnull=False),
                name="supporter_user_once",
            ),
            models.UniqueConstraint(
                fields=["case", "fingerprint"],
                condition=~Q(fingerprint=""),
                name="supporter_fingerprint_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} +1"


class ExtensionRequest(BaseModel):
    """A handling unit's request for more working days, and the decision."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="one_pending_extension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} +{self.days}"


class Rating(BaseModel):
    """The reporter's rating of the result: solved, and satisfied."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    solved = models.CharField(
        _("was it solved?"), max_length=10, choices=Solved.choices
    )
    satisfaction = models.CharField(
        _("how satisfied are you?"), max_length=12, choices=Satisfaction.choices
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["case", "-created_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.solved}/{self.satisfaction}"


class StatScope(models.TextChoices):
    ALL = "all", _("everywhere")
    COMMUNITY = "community", _("community")
    COOPERATIVE = "cooperative", _("economic cooperative")
    STREET = "street", _("street")
    CATEGORY = "category", _("category")
    ORGANISATION = "organisation", _("organisation")


class CaseStat(models.Model):
    """Daily counters per scope, maintained by the services as events happen.

    Metrics for a period and scope sum at most one row per day, so they cost the
    same at a million cases as at a thousand (DESIGN §3, bench/metrics.py).
    """

    day = models.DateField()
    scope = models.CharField(max_length=12, choices=StatScope.choices)
    scope_id = models.BigIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    signed_on_time = models.PositiveIntegerField(default=0)
    responded_on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    partly_solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically_satisfied = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    self_resolved = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)

    COUNTERS = (
        "dispatched",
        "signed_on_time",
        "responded_on_time",
        "rated",
        "solved",
        "partly_solved",
        "satisfied",
        "basically_satisfied",
        "closed",
        "closed_on_time",
        "reopened",
        "self_resolved",
        "escalated",
        "accepted",
    )

    class Meta:
        verbose_name = _("case statistics row")
        verbose_name_plural = _("case statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id", "day"], name="casestat_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.scope}:{self.scope_id}"
