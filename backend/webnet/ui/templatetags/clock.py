"""`{{ value|when }}`: the one way pages show a time (see webnet.ui.clock); a builtin."""

from django import template

from webnet.ui import clock

register = template.Library()
register.filter("when", clock.when)
