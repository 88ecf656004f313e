"""The real FreeRADIUS on webnet's tables: users from aaa.provisioning, clients from the NAS
registry, radclient as the independent client."""

from webnet.aaa import provisioning
from webnet.aaa.models import RadPostAuth
from webnet.tests import factories

SECRET = "nas-secret-1"


def _auth(password: str, *, authenticator: bool = True) -> str:
    extra = ", Message-Authenticator = 0x00" if authenticator else ""
    return f'User-Name = "alice", User-Password = "{password}"{extra}\n'


def test_provisioned_user_authenticates_and_isolation_holds(world, freeradius):
    # given: A's NAS on loopback; both customers have an alice, with different passwords
    factories.NasFactory(customer=world.a, nasname="127.0.0.1", secret=SECRET)
    rate = [("Mikrotik-Rate-Limit", "=", "10M/10M")]
    for customer, password in ((world.a, "a-pass"), (world.b, "b-pass")):
        check = [("Cleartext-Password", ":=", password)]
        provisioning.apply_user(customer, "alice", check=check, reply=rate, groups=[])
    radius = freeradius()
    # when / then: A's alice is accepted with her reply attributes
    accepted = radius.radclient("auth", _auth("a-pass"), SECRET)
    assert "Access-Accept" in accepted.stdout, accepted
    assert 'Mikrotik-Rate-Limit = "10M/10M"' in accepted.stdout
    # when / then: B's alice, through A's NAS, is not a user at all
    foreign = radius.radclient("auth", _auth("b-pass"), SECRET)
    assert "Access-Reject" in foreign.stdout, foreign
    # then: post-auth lands in A's log, without the password
    replies = list(RadPostAuth.objects.for_customer(world.a).values_list("reply", "password"))
    assert sorted(replies) == [("Access-Accept", ""), ("Access-Reject", "")]


def test_request_without_message_authenticator_is_dropped(world, freeradius):
    # given
    factories.NasFactory(customer=world.a, nasname="127.0.0.1", secret=SECRET)
    check = [("Cleartext-Password", ":=", "a-pass")]
    provisioning.apply_user(world.a, "alice", check=check, reply=[], groups=[])
    radius = freeradius()
    # when: the same correct request, without a Message-Authenticator (BlastRADIUS)
    bare = radius.radclient("auth", _auth("a-pass", authenticator=False), SECRET)
    # then: no answer at all, while the signed request is accepted
    assert "Access-Accept" not in bare.stdout
    assert bare.returncode != 0 and "No reply" in bare.stderr + bare.stdout, bare
    assert "Access-Accept" in radius.radclient("auth", _auth("a-pass"), SECRET).stdout
