"""FastSelect renders the same choices, selection and attributes as Django's Select."""

from django import forms

from salesflow.core.widgets import FastSelect
from salesflow.org.models import Team


class TeamForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("path"), required=False, widget=FastSelect)
    size = forms.ChoiceField(choices=[("", "—"), ("s", "小 <S>"), ("l", "大")], widget=FastSelect)


def test_fast_select_lists_every_choice_with_the_bound_one_selected(org):
    html = str(TeamForm({"team": org.east.pk, "size": "s"})["team"])
    assert html.startswith('<select name="team" id="id_team">') and html.endswith("</select>")
    assert html.count("<option") == 1 + 4  # the empty choice and the four teams of the org fixture
    assert f'<option value="{org.east.pk}" selected>East</option>' in html
    assert f'<option value="{org.west.pk}">West</option>' in html


def test_fast_select_escapes_labels_and_keeps_required(org):
    html = str(TeamForm({"size": "s"})["size"])
    assert '<option value="s" selected>小 &lt;S&gt;</option>' in html
    assert " required" in html
