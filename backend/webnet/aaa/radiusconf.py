# ruff: noqa: S608  (FreeRADIUS query templates: rlm_sql escapes every %{...} expansion)
"""A minimal FreeRADIUS 3.2 configuration, rendered into a directory of its own (`freeradius -d`).

Debian's server runs unchanged; only its configuration is ours: loopback listeners, one client
per NAS of the registry (each with `require_message_authenticator = yes` — 3.2.1 predates the
BlastRADIUS fix — and its customer id as a client item), and rlm_sql on webnet's own database
with queries that add `customer_id = %{client:customer}` to every read and write, so a request
only ever sees the rows of the customer whose NAS sent it. The `files` backend (a users file, no
database) is the no-database peer of `make bench-radius`.
"""

from dataclasses import dataclass
from pathlib import Path

SQLITE_THREADS, POSTGRESQL_THREADS = 4, 16
CUSTOMER = "'%{client:customer}'"
EPOCH = "%{%{integer:Event-Timestamp}:-%l}"
DIALECT_TIME = {
    "sqlite": (
        f"datetime({EPOCH}, 'unixepoch')",
        "CAST((julianday('now') - julianday(COALESCE(acctupdatetime, acctstarttime))) * 86400"
        " AS INTEGER)",
    ),
    "postgresql": (
        f"TO_TIMESTAMP({EPOCH})",
        "CAST(EXTRACT(EPOCH FROM (NOW() - COALESCE(acctupdatetime, acctstarttime))) AS INTEGER)",
    ),
}


@dataclass(frozen=True)
class RadiusClient:
    """One NAS as FreeRADIUS sees it: its source address, shared secret and customer."""

    name: str
    address: str
    secret: str
    customer_id: int


@dataclass(frozen=True)
class Database:
    """Where rlm_sql finds webnet's tables: a SQLite file, or a PostgreSQL server."""

    dialect: str  # "sqlite" | "postgresql"
    name: str  # file path (sqlite) or database name
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""


def quoted(value: str) -> str:
    """A FreeRADIUS double-quoted string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(
    directory: Path,
    *,
    clients: list[RadiusClient],
    auth_port: int,
    acct_port: int,
    address: str = "127.0.0.1",
    database: Database | None = None,
    users: str = "",
    threads: int = 0,
) -> Path:
    """Write radiusd.conf (+ clients.conf, users) into `directory`; `database=None` renders the
    `files` backend with `users` as its users file; `threads=0` means `default_threads`.
    Returns the directory for `freeradius -d`."""
    threads = threads or default_threads(database)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "run").mkdir(exist_ok=True)
    (directory / "log").mkdir(exist_ok=True)
    clients_conf = directory / "clients.conf"
    clients_conf.touch(mode=0o600)
    clients_conf.chmod(0o600)
    clients_conf.write_text("".join(client_block(client) for client in clients))
    (directory / "users").write_text(users)
    backend = _sql(database, threads) if database else "files {\n\tfilename = ${confdir}/users\n}\n"
    (directory / "radiusd.conf").write_text(
        _MAIN.format(
            directory=directory,
            threads=threads,
            modules=backend,
            server=_server(address, auth_port, acct_port, "sql" if database else "files"),
        )
    )
    return directory


def default_threads(database: Database | None) -> int:
    """Worker threads when none are configured. A SQLite query is CPU work on a local file: a
    few threads per core (one may wait on an accounting writer's lock while the others run);
    a PostgreSQL query is mostly a wait for the server, so more threads keep more requests in
    flight (bench-radius on 2 cores: SQLite 782 rps with 4 threads, 424 with 16)."""
    if database is not None and database.dialect == "postgresql":
        return POSTGRESQL_THREADS
    return SQLITE_THREADS


def client_block(client: RadiusClient) -> str:
    """One `client {...}` section of clients.conf."""
    return (
        f"client {client.name.replace(' ', '_')} {{\n"
        f"\tipaddr = {client.address}\n"
        f"\tsecret = {quoted(client.secret)}\n"
        "\trequire_message_authenticator = yes\n"
        f"\tcustomer = {client.customer_id}\n"
        "}\n"
    )


def _sql(database: Database, threads: int) -> str:
    if database.dialect == "sqlite":
        # WAL is the file's (Django set it); NORMAL sync: a commit is not an fsync, as in Django.
        driver = (
            f"\tsqlite {{\n\t\tfilename = {quoted(database.name)}\n"
            "\t\tbusy_timeout = 10000\n\t}\n"
            '\topen_query = "PRAGMA synchronous = NORMAL"\n'
        )
    else:
        driver = (
            f"\tserver = {quoted(database.host)}\n\tport = {database.port}\n"
            f"\tlogin = {quoted(database.user)}\n\tpassword = {quoted(database.password)}\n"
        )
    return (
        "sql {\n"
        f"\tdialect = {quoted(database.dialect)}\n"
        f'\tdriver = "rlm_sql_{database.dialect}"\n'
        f"{driver}"
        f"\tradius_db = {quoted(database.name)}\n"
        "\tread_groups = yes\n\tread_clients = no\n\tdelete_stale_sessions = no\n"
        '\tgroup_attribute = "SQL-Group"\n'
        # One open connection per worker thread, for the server's life: a thread never waits
        # for a connection, and no request pays for a connect (or, on SQLite, for re-reading
        # the schema and a cold page cache).
        f"\tpool {{\n\t\tstart = {threads}\n\t\tmin = {threads}\n\t\tmax = {threads}\n"
        "\t\tspare = 0\n\t\tuses = 0\n"
        "\t\tretry_delay = 1\n\t\tlifetime = 0\n\t\tidle_timeout = 0\n\t}\n"
        f"{_queries(database.dialect)}"
        "}\n"
    )


def _queries(dialect: str) -> str:
    now, since_update = DIALECT_TIME[dialect]
    mine = f"customer_id = {CUSTOMER}"
    user = "username = '%{SQL-User-Name}'"
    octets = "%{{%{{Acct-{0}-Gigawords}}:-0}} * 4294967296 + %{{%{{Acct-{0}-Octets}}:-0}}"
    start_columns = (
        "customer_id, acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, "
        "nasporttype, acctstarttime, acctupdatetime, acctinterval, acctsessiontime, "
        "acctauthentic, connectinfo_start, acctinputoctets, acctoutputoctets, calledstationid, "
        "callingstationid, acctterminatecause, servicetype, framedprotocol, framedipaddress"
    )
    start_values = (
        f"{CUSTOMER}, '%{{Acct-Session-Id}}', '%{{Acct-Unique-Session-Id}}', "
        "'%{SQL-User-Name}', '%{Realm}', '%{NAS-IP-Address}', "
        "'%{%{NAS-Port-ID}:-%{NAS-Port}}', '%{NAS-Port-Type}', "
        f"{now}, {now}, NULL, 0, '%{{Acct-Authentic}}', '%{{Connect-Info}}', 0, 0, "
        "'%{Called-Station-Id}', '%{Calling-Station-Id}', '', '%{Service-Type}', "
        "'%{Framed-Protocol}', '%{Framed-IP-Address}'"
    )
    session = f"acctuniqueid = '%{{Acct-Unique-Session-Id}}' AND {mine}"
    queries = {
        "sql_user_name": "%{User-Name}",
        "authorize_check_query": (
            f"SELECT id, username, attribute, value, op FROM radcheck WHERE {user} AND {mine} "
            "ORDER BY id"
        ),
        "authorize_reply_query": (
            f"SELECT id, username, attribute, value, op FROM radreply WHERE {user} AND {mine} "
            "ORDER BY id"
        ),
        "group_membership_query": (
            f"SELECT groupname FROM radusergroup WHERE {user} AND {mine} ORDER BY priority"
        ),
        "authorize_group_check_query": (
            "SELECT id, groupname, attribute, value, op FROM radgroupcheck "
            f"WHERE groupname = '%{{${{group_attribute}}}}' AND {mine} ORDER BY id"
        ),
        "authorize_group_reply_query": (
            "SELECT id, groupname, attribute, value, op FROM radgroupreply "
            f"WHERE groupname = '%{{${{group_attribute}}}}' AND {mine} ORDER BY id"
        ),
    }
    body = "".join(f"\t{key} = {quoted(value)}\n" for key, value in queries.items())
    accounting = {
        # Accounting-On/Off: the NAS rebooted, so every session it held is over.
        "accounting-on": (
            f"UPDATE radacct SET acctstoptime = {now}, "
            "acctterminatecause = '%{%{Acct-Terminate-Cause}:-NAS-Reboot}' "
            f"WHERE acctstoptime IS NULL AND nasipaddress = '%{{NAS-IP-Address}}' AND {mine}"
        ),
        "start": f"INSERT INTO radacct ({start_columns}) VALUES ({start_values})",
        "interim-update": (
            f"UPDATE radacct SET acctupdatetime = {now}, acctinterval = {since_update}, "
            "framedipaddress = '%{Framed-IP-Address}', "
            "acctsessiontime = %{%{Acct-Session-Time}:-NULL}, "
            f"acctinputoctets = {octets.format('Input')}, "
            f"acctoutputoctets = {octets.format('Output')} "
            f"WHERE {session} AND acctstoptime IS NULL"
        ),
        "stop": (
            f"UPDATE radacct SET acctstoptime = {now}, acctupdatetime = {now}, "
            "acctsessiontime = %{%{Acct-Session-Time}:-NULL}, "
            f"acctinputoctets = {octets.format('Input')}, "
            f"acctoutputoctets = {octets.format('Output')}, "
            "acctterminatecause = '%{Acct-Terminate-Cause}', "
            "connectinfo_stop = '%{Connect-Info}' "
            f"WHERE {session}"
        ),
    }
    accounting["accounting-off"] = accounting["accounting-on"]
    types = "".join(
        f"\t\t\t{kind} {{\n\t\t\t\tquery = {quoted(query)}\n\t\t\t}}\n"
        for kind, query in accounting.items()
    )
    # The password is never logged (FreeRADIUS's default query stores it in `pass`).
    post_auth = (
        "INSERT INTO radpostauth (customer_id, username, pass, reply, authdate) VALUES "
        f"({CUSTOMER}, '%{{SQL-User-Name}}', '', '%{{reply:Packet-Type}}', {now})"
    )
    if dialect == "postgresql":
        # A reject's log row need not wait for its WAL flush (a crash may lose the last few
        # hundred ms of it, never corrupt it): a reject flood costs no fsync per request. Two
        # statements in one query string are one implicit transaction, so SET LOCAL ends with
        # the insert, and an error rolls both back. Accounting keeps synchronous commits.
        post_auth = f"SET LOCAL synchronous_commit = off; {post_auth}"
    return (
        f"{body}"
        "\taccounting {\n"
        '\t\treference = "%{tolower:type.%{%{Acct-Status-Type}:-none}.query}"\n'
        f"\t\ttype {{\n{types}\t\t}}\n"
        "\t}\n"
        "\tpost-auth {\n"
        f"\t\tquery = {quoted(post_auth)}\n"
        "\t}\n"
    )


def _server(address: str, auth_port: int, acct_port: int, backend: str) -> str:
    accounting = "\t\tsql\n" if backend == "sql" else ""
    # radpostauth logs rejects only: an accept opens a session in radacct anyway, and an insert
    # per accept would serialise every Access-Request on SQLite's single writer.
    reject = "\t\tPost-Auth-Type REJECT {\n\t\t\tsql\n\t\t}\n" if backend == "sql" else ""
    return (
        "server default {\n"
        f"\tlisten {{\n\t\ttype = auth\n\t\tipaddr = {address}\n\t\tport = {auth_port}\n\t}}\n"
        f"\tlisten {{\n\t\ttype = acct\n\t\tipaddr = {address}\n\t\tport = {acct_port}\n\t}}\n"
        f"\tauthorize {{\n\t\t{backend}\n\t\tpap\n\t}}\n"
        "\tauthenticate {\n\t\tAuth-Type PAP {\n\t\t\tpap\n\t\t}\n\t}\n"
        "\tpreacct {\n\t\tupdate request {\n"
        '\t\t\t&Acct-Unique-Session-Id := "%{md5:%{User-Name},%{Acct-Session-ID},'
        '%{NAS-IP-Address},%{NAS-Identifier},%{NAS-Port-ID},%{NAS-Port}}"\n'
        "\t\t}\n\t}\n"
        f"\taccounting {{\n{accounting}\t\tok\n\t}}\n"
        f"\tpost-auth {{\n{reject}\t}}\n"
        "}\n"
    )


_MAIN = """\
# Rendered by webnet (manage.py radius); changes are overwritten.
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
raddbdir = {directory}
confdir = {directory}
modconfdir = {directory}
logdir = {directory}/log
run_dir = {directory}/run
db_dir = {directory}
libdir = /usr/lib/freeradius
pidfile = {directory}/run/radiusd.pid
name = freeradius
max_request_time = 30
cleanup_delay = 2
max_requests = 65536
hostname_lookups = no
log {{
	destination = files
	file = {directory}/log/radius.log
	colourise = no
	auth = no
}}
security {{
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = yes
}}
thread pool {{
	start_servers = {threads}
	max_servers = {threads}
	min_spare_servers = 1
	max_spare_servers = {threads}
	max_requests_per_server = 0
	auto_limit_acct = no
}}
$INCLUDE clients.conf
modules {{
	pap {{
	}}
	always ok {{
		rcode = ok
	}}
	expr {{
	}}
{modules}}}
{server}"""
