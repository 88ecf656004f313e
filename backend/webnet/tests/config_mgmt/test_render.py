"""Golden config rendering: typed variables, clear errors, and sandbox escapes that fail safely."""

import time

import pytest

from webnet.config_mgmt import render as render_module
from webnet.config_mgmt.render import (
    TemplateRenderError,
    check_syntax,
    render_text,
    resolve_variables,
)
from webnet.config_mgmt.templates import render
from webnet.tests import factories as f


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ lipsum.__globals__ }}",
        "{{ device._secret }}",
        "{{ device.__dict__ }}",
        "{% for i in range(10**9) %}x{% endfor %}",
        "{{ range(10**9)|list|length }}",
        "{{ 'x' * 100000000 }}",
        "{{ [1] * 100000000 }}",
        "{{ 9 ** 9999999 }}",
        "{% for i in range(60000) %}{% for j in range(60000) %}{% endfor %}{% endfor %}",
        "{{ device.keys.__self__ }}",
        "{% set x = [] %}{{ x.append(1) }}",
        "{{ self.__init__.__globals__ }}",
    ],
)
def test_sandbox_escapes_fail_with_a_message(body: str) -> None:
    with pytest.raises(TemplateRenderError) as info:
        render_text(body, {"device": {"hostname": "r1", "_secret": "x"}})
    assert info.value.message and "Traceback" not in info.value.message


NESTED = "{% for a in r %}{% for b in r %}{% for c in r %}{% for d in r %}{% endfor %}" + (
    "{% endfor %}{% endfor %}{% endfor %}"
)


@pytest.mark.parametrize(
    "body",
    [
        "{% set r = range(1000)|list %}" + NESTED,  # 10^12 iterations over 1,000 range() items
        "{% set r = 'x' * 1000 %}" + NESTED,
        "{{ lipsum(10**7) }}",
        "{{ lipsum(1, max=10**9) }}",
        "{{ ('a' * 10000)|replace('a', 'b' * 2000)|length }}",
        "{{ ('a' * 10000).replace('a', 'b' * 2000)|length }}",
        "{{ 'a'|center(20000000)|length }}",
        "{{ 'a'.center(20000000)|length }}",
        "{{ '{:>20000000}'.format('a')|length }}",
        "{{ '%20000000s'|format('a')|length }}",
        "{{ ('%20000000s' % 'a')|length }}",
        "{{ ((9**999)**999)**4 }}",
        "{{ (9**999) * (9**999) * (9**999) * (9**999) }}",
        "{% set ns = namespace(s='x' * 10000) %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",  # 10^16 characters
        "{% for i in range(100000) %}{% set x = 'a'.center(900000) %}{% endfor %}",
    ],
)
def test_budget_walkarounds_stop_within_two_seconds_with_a_message(body: str) -> None:
    started = time.perf_counter()
    with pytest.raises(TemplateRenderError) as info:
        render_text(body, {})
    assert time.perf_counter() - started < 2
    assert any(
        word in info.value.message for word in ("too large", "too long", "too much memory")
    ), info.value.message


def test_renders_go_on_after_a_worker_was_stopped() -> None:
    with pytest.raises(TemplateRenderError, match="too long"):
        render_text("{% set r = range(1000)|list %}" + NESTED, {})
    assert render_text("{{ a }}-{{ b|join(',') }}", {"a": 1, "b": ["x", "y"]}) == "1-x,y"


@pytest.mark.parametrize(
    "body",
    ["{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "{% if x %}" * 3000 + "{% endif %}" * 3000],
)
def test_deeply_nested_syntax_is_a_syntax_error(body: str) -> None:
    with pytest.raises(TemplateRenderError, match="nested too deeply"):
        check_syntax(body)


def test_a_worker_that_died_while_idle_is_replaced() -> None:
    assert render_text("x", {}) == "x"
    for worker in render_module._POOL._idle:
        worker.process.kill()
        worker.process.wait()
    assert render_text("{{ y }}", {"y": 2}) == "2"


def test_missing_variable_names_it_and_its_line() -> None:
    with pytest.raises(TemplateRenderError) as info:
        render_text("hostname r1\n\nntp server {{ ntp_server }}\n", {})
    assert "ntp_server" in info.value.message and info.value.line == 3


def test_syntax_error_has_its_line() -> None:
    with pytest.raises(TemplateRenderError) as info:
        render_text("hostname r1\n{% if x %}\nfoo\n", {"x": True})
    assert info.value.message.startswith("syntax error") and info.value.line is not None


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("string", 5, "5"),
        ("int", "42", 42),
        ("bool", "yes", True),
        ("bool", False, False),
        ("ip", "10.0.0.1", "10.0.0.1"),
        ("ip", "10.0.0.1/24", "10.0.0.1/24"),
        ("ip", "2001:db8::1", "2001:db8::1"),
        ("list", "a, b,c", ["a", "b", "c"]),
        ("list", ["x", 1], ["x", 1]),
    ],
)
def test_variable_types(kind: str, value: object, expected: object) -> None:
    assert resolve_variables([{"name": "v", "type": kind}], {"v": value}) == {"v": expected}


@pytest.mark.parametrize(
    ("kind", "value"), [("int", "ten"), ("bool", "maybe"), ("ip", "10.0.0.300"), ("int", True)]
)
def test_bad_variable_type_is_a_clear_error(kind: str, value: object) -> None:
    with pytest.raises(TemplateRenderError) as info:
        resolve_variables([{"name": "v", "type": kind}], {"v": value})
    assert "'v'" in info.value.message and kind in info.value.message


def test_required_variable_and_default() -> None:
    schema = [
        {"name": "a", "type": "int", "required": True},
        {"name": "b", "type": "string", "default": "x"},
    ]
    with pytest.raises(TemplateRenderError, match="missing variable 'a'"):
        resolve_variables(schema, {})
    assert resolve_variables(schema, {"a": "1"}) == {"a": 1, "b": "x"}


def test_render_for_a_device_uses_fields_tags_groups_and_variables(db: None) -> None:
    customer = f.CustomerFactory()
    tag = f.TagFactory(customer=customer, name="edge")
    device = f.DeviceFactory(customer=customer, hostname="edge-1", site="ams1", tags=[tag])
    group = f.DeviceGroupFactory(customer=customer, name="edges", devices=[device])
    from webnet.config_mgmt.models import TemplateVariables

    TemplateVariables.objects.create(customer=customer, group=group, values={"ntp": "10.0.0.1"})
    TemplateVariables.objects.create(customer=customer, device=device, values={"vlan": "20"})
    template = f.ConfigTemplateFactory(
        customer=customer,
        body=(
            "hostname {{ device.hostname }}\n"
            "! {{ device.site }} {{ tags|join(',') }} {{ groups|join(',') }}\n"
            "ntp server {{ ntp }}\n"
            "vlan {{ vlan + 1 }}\n"
        ),
        variables=[{"name": "ntp", "type": "ip"}, {"name": "vlan", "type": "int"}],
    )
    out = render(template, device)
    assert out == "hostname edge-1\n! ams1 edge edges\nntp server 10.0.0.1\nvlan 21\n"
    assert "vlan 31" in render(template, device, {"vlan": 30})


def test_render_refuses_another_platform(db: None) -> None:
    template = f.ConfigTemplateFactory(platforms=["juniper_junos"])
    device = f.DeviceFactory(customer=template.customer, platform="cisco_ios")
    with pytest.raises(TemplateRenderError, match="juniper_junos"):
        render(template, device)


def test_variables_precedence_device_over_group_over_customer_with_sources(db: None) -> None:
    from webnet.config_mgmt import services
    from webnet.config_mgmt.templates import variable_sources

    customer = f.CustomerFactory()
    actor = f.MembershipFactory(customer=customer, role="operator").user
    device = f.DeviceFactory(customer=customer)
    other = f.DeviceFactory(customer=customer)
    group = f.DeviceGroupFactory(customer=customer, name="core", devices=[device])
    services.save_variables(actor, customer, {"ntp": "10.0.0.1", "vlan": "1", "dns": "9.9.9.9"})
    services.save_variables(actor, customer, {"ntp": "10.0.0.2", "vlan": "2"}, group=group)
    services.save_variables(actor, customer, {"vlan": "3"}, device=device)
    services.save_variables(actor, customer, {"vlan": "4"}, device=device)  # an update, not a 2nd
    template = f.ConfigTemplateFactory(
        customer=customer,
        body="ntp {{ ntp }} vlan {{ vlan }} dns {{ dns }} {{ loc }}",
        variables=[
            {"name": "ntp", "type": "ip"},
            {"name": "vlan", "type": "int"},
            {"name": "dns", "type": "ip"},
            {"name": "loc", "type": "string", "default": "dc1"},
            {"name": "snmp", "type": "string", "required": True},
        ],
    )
    sources = {
        row["name"]: (row["value"], row["source"]) for row in variable_sources(template, device)
    }
    assert sources == {
        "ntp": ("10.0.0.2", "group core"),
        "vlan": ("4", "device"),
        "dns": ("9.9.9.9", "customer"),
        "loc": ("dc1", "default"),
        "snmp": (None, "missing"),
    }
    with pytest.raises(TemplateRenderError, match="missing variable 'snmp'"):
        render(template, device)
    assert render(template, device, {"snmp": "x"}) == "ntp 10.0.0.2 vlan 4 dns 9.9.9.9 dc1"
    assert render(template, other, {"snmp": "x"}) == "ntp 10.0.0.1 vlan 1 dns 9.9.9.9 dc1"
    assert variable_sources(template, device, {"snmp": "x"})[-1]["source"] == "override"
