from django import forms

from bphub.knowledge.models import Resource


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["title", "summary", "kind", "url", "published_on", "themes", "classification", "body", "released_to"]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "themes": forms.CheckboxSelectMultiple,
            "released_to": forms.SelectMultiple(attrs={"size": 6}),
        }
