"""`{% load dates %}`: the `day` and `day_time` filters, our faster `date:"d.m.Y"` and
`date:"d.m.Y H:i"`; why and when they can go: sites/django_overrides.py."""

from django import template

from sites import django_overrides

register = template.Library()
register.filter("day", django_overrides.day, expects_localtime=True, is_safe=False)
register.filter("day_time", django_overrides.day_time, expects_localtime=True, is_safe=False)
