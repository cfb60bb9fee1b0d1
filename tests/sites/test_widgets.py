import pytest
from django import forms
from django.test.html import parse_html

from sites.django_overrides import PlainSelect

CHOICES = [("", "all"), ("active", "active"), (3, "Ayşe <Öztürk> & Co"), ('x"y', "quoted")]


@pytest.mark.parametrize("value", [None, "", "active", "3", 3, 'x"y', "not offered"])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-select", "required": True, "id": "id_s"}])
def test_a_plain_select_renders_as_djangos_select(value, attrs):
    plain = PlainSelect(choices=CHOICES).render("s", value, attrs=dict(attrs))
    django = forms.Select(choices=CHOICES).render("s", value, attrs=dict(attrs))

    assert parse_html(plain) == parse_html(django)


def test_a_plain_select_escapes_labels_and_values():
    html = PlainSelect(choices=CHOICES).render("s", "active")

    assert "Ayşe &lt;Öztürk&gt; &amp; Co" in html
    assert 'value="x&quot;y"' in html
    assert '<option value="active" selected>' in html


def test_grouped_choices_keep_djangos_rendering():
    grouped = [("Group", [("a", "A"), ("b", "B")]), ("c", "C")]

    html = PlainSelect(choices=grouped).render("s", "b")

    assert parse_html(html) == parse_html(forms.Select(choices=grouped).render("s", "b"))
    assert '<optgroup label="Group">' in html
