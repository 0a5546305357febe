"""Form fields for record ids that come from outside (issue 9).

Django's model choice fields hand any string of digits to the database: a 21-digit id raises
OverflowError on SQLite (a server error) and DataError on PostgreSQL. These fields check an id with
`bphub.core.ids.parse_id` first and refuse one out of range as an unknown choice, with the very
message of an id that is not offered. The queryset a form gives them is what the user may choose:
build it with the policy (`policy.visible_to` or the app's `get_<x>_for_<purpose>` helpers), so a
record the user may not see is refused exactly like one that does not exist.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from bphub.core.ids import parse_id


def _is_integer_key(queryset, key: str) -> bool:
    field = queryset.model._meta.pk if key == "pk" else queryset.model._meta.get_field(key)
    target = getattr(field, "target_field", field)  # a foreign key compares as its target
    return isinstance(target, models.IntegerField)


class RecordChoiceField(forms.ModelChoiceField):
    """One record of the field's queryset, by id (or by `to_field_name`)."""

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        if _is_integer_key(self.queryset, self.to_field_name or "pk") and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(value)


class RecordMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Records of the field's queryset, by id (or by `to_field_name`)."""

    def _check_values(self, value):
        if _is_integer_key(self.queryset, self.to_field_name or "pk"):
            try:
                values = list(value)
            except TypeError:
                values = []  # the parent refuses a value that is not a list
            for item in values:
                if not isinstance(item, self.queryset.model) and parse_id(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super()._check_values(value)


class RecordIdField(forms.Field):
    """A record id (a hidden input, a filter): an int within the database's range, or invalid."""

    default_error_messages = {"invalid": forms.IntegerField.default_error_messages["invalid"]}
    widget = forms.HiddenInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def record_formfield(db_field, **kwargs):
    """`formfield_callback` for a ModelForm: its foreign keys and many-to-many fields as record fields."""
    if isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", RecordChoiceField)
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", RecordMultipleChoiceField)
    return db_field.formfield(**kwargs)
