"""Forms of the reporter's pages: find a case, rate it, correct or withdraw it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Satisfaction, Solved
from .services.intake import MAX_DESCRIPTION


class TrackLookupForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20)
    t = forms.CharField(
        label=_("Tracking code"),
        max_length=64,
        help_text=_("The code shown when you reported, also in the link we sent."),
    )


class RatingForm(forms.Form):
    solved = forms.ChoiceField(
        label=_("Was the problem solved?"),
        choices=Solved.choices,
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with how it was handled?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EditForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        error_messages={"required": _("Describe the problem.")},
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_DESCRIPTION}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing it? (optional)"),
        required=False,
        max_length=500,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
