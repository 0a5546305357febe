from django import forms

from bphub.core.forms import record_formfield
from bphub.knowledge.models import Resource


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        formfield_callback = record_formfield  # themes, body and members chosen by id, checked to the database's range
        fields = ["title", "summary", "kind", "url", "published_on", "themes", "classification", "body", "released_to"]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "themes": forms.CheckboxSelectMultiple,
            "released_to": forms.SelectMultiple(attrs={"size": 6}),
        }
