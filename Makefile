# webnet — the two commands are `make run` and `make test`; the rest are the seed guide's targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= $(CURDIR)/.venv
BIN := $(VENV)/bin
export WEBNET_STATE_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000
LAB_COUNT ?= 20
# make lab LAB_SNMP=1: an SNMP agent per device on UDP 20001+ (LAB_SNMP_ARGS to change)
LAB_SNMP_ARGS ?= --snmp --snmp-base-port 20001
N ?= 200
MANAGE := cd $(CURDIR)/backend && $(BIN)/python manage.py
STAMP := $(VENV)/.installed

.PHONY: run test lab bench bench-api bench-calendar bench-events bench-notify bench-escalation bench-drivers backend-install backend-build-static dev-migrate dev-seed dev-lab dev-lab-stop \
        dev-backend backend-test backend-lint backend-format backend-typecheck backend-verify \
        test-system-deps bench-lab bench-poll bench-chat clean radius bench-radius dev-services dev-services-stop dev-worker dev-beat test-scaled

$(STAMP): backend/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e 'backend[dev]'
	touch $@

backend-install: $(STAMP)

backend-build-static:
	cd backend && npm ci --no-audit --no-fund && npm run build

dev-migrate: backend-install
	$(MANAGE) migrate --no-input

dev-seed: dev-migrate
	$(MANAGE) seed_demo

# The lab's devices answer SNMP (v2c "public", v3 user "webnet"), each on its own loopback address
# from 127.20.0.1 (port 20001), and send their traps and syslog from it to webnet's receivers
# (WEBNET_TRAP_PORT / WEBNET_SYSLOG_PORT defaults), so each is told apart by source address.
LAB_MONITORING_ARGS ?= --snmp --snmp-address-base 127.20.0.1 --snmp-base-port 20001 \
	--trap-receiver 127.0.0.1:10162 --syslog-receiver 127.0.0.1:10514
dev-lab: dev-seed
	$(MANAGE) lab --count $(LAB_COUNT) --customer demo start -- $(LAB_MONITORING_ARGS)
	$(MANAGE) seed_monitoring --customer demo

dev-lab-stop: backend-install
	$(MANAGE) lab stop

# A stand-alone lab in the foreground (any SSH client can use it): make lab LAB_COUNT=50
lab: backend-install
	cd backend && $(BIN)/python -m webnet.lab --count $(LAB_COUNT) --base-port 10001 \
		--state-dir $(WEBNET_STATE_DIR)/lab-foreground -v $(if $(LAB_SNMP),$(LAB_SNMP_ARGS))

dev-backend: backend-install
	$(SCALED) cd backend && $(BIN)/python manage.py migrate --no-input \
		&& $(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

# Scaled-out form (README "Scaled-out deployment"): PostgreSQL and Redis on loopback with their
# data in $(WEBNET_STATE_DIR)/services; dev-backend, dev-worker and dev-beat use them through
# $(SERVICES_ENV), or DATABASE_URL / REDIS_URL from the environment when that file is absent.
# Every process writes its Prometheus metrics under $(WEBNET_STATE_DIR)/metrics (emptied by
# dev-services); the web server's /metrics serves them all.
SERVICES_ENV := $(WEBNET_STATE_DIR)/services.env
SCALED := set -a; if [ -f $(SERVICES_ENV) ]; then . $(SERVICES_ENV); fi; set +a;
WORKER ?= worker1

dev-services: backend-install
	mkdir -p $(WEBNET_STATE_DIR) && chmod 755 $(WEBNET_STATE_DIR)
	bash scripts/pg-redis.sh start $(WEBNET_STATE_DIR)/services > $(SERVICES_ENV)
	rm -rf $(WEBNET_STATE_DIR)/metrics && mkdir -p $(WEBNET_STATE_DIR)/metrics
	echo "export PROMETHEUS_MULTIPROC_DIR=$(WEBNET_STATE_DIR)/metrics" >> $(SERVICES_ENV)
	cat $(SERVICES_ENV)
	$(SCALED) $(MANAGE) migrate --no-input && $(SCALED) $(MANAGE) radius --background

dev-services-stop:
	-$(MANAGE) radius --stop
	bash scripts/pg-redis.sh stop $(WEBNET_STATE_DIR)/services
	rm -f $(SERVICES_ENV)

# FreeRADIUS in the foreground on webnet's database, clients from the NAS registry, restarted
# when a NAS changes (Ctrl-C stops).
radius: backend-install test-system-deps
	$(SCALED) $(MANAGE) migrate --no-input && $(SCALED) $(MANAGE) radius

dev-worker: backend-install
	$(SCALED) cd backend && $(BIN)/celery -A webnet.core.celery worker -Q celery,poll -n $(WORKER)@%h --loglevel INFO

dev-beat: backend-install
	$(SCALED) cd backend && $(BIN)/celery -A webnet.core.celery beat \
		-s $(WEBNET_STATE_DIR)/celerybeat-schedule --loglevel INFO

# Embedded mode: SQLite, in-process jobs, a lab of simulated devices; Ctrl-C stops everything.
run: dev-lab
	@echo "webnet at http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	trap '$(MANAGE) lab stop' EXIT; $(MANAGE) serve --host $(HOST) --port $(PORT)

# System packages the tests need (Chromium for the browser test, OpenSSH client for the lab).
test-system-deps:
	bash scripts/ensure-system-deps.sh

backend-lint: backend-install
	cd backend && $(BIN)/ruff check webnet bench && $(BIN)/ruff format --check webnet bench
	cd backend && $(BIN)/lint-imports

backend-format: backend-install
	cd backend && $(BIN)/ruff format webnet bench && $(BIN)/ruff check --fix webnet bench

backend-typecheck: backend-install
	cd backend && $(BIN)/mypy webnet

# Two pytest workers (one per core of the CI machine); TEST_WORKERS=0 runs serially. Schemathesis
# (minutes of generated requests) runs once, in the PostgreSQL pass of test-scaled.
TEST_WORKERS ?= 2
backend-test: backend-install
	cd backend && WEBNET_STATE_DIR=$(WEBNET_STATE_DIR)/test $(BIN)/pytest -q -n $(TEST_WORKERS) -p no:cacheprovider --ignore=webnet/tests/scaled \
	  --ignore=webnet/tests/api/test_schemathesis.py

backend-verify: backend-lint backend-typecheck backend-test

# PostgreSQL + Redis: migrations and the full suite on PostgreSQL, then the scaled-out suite.
test-scaled: backend-install test-system-deps
	BIN=$(BIN) bash scripts/test-scaled.sh

test: backend-install test-system-deps backend-lint backend-typecheck backend-test test-scaled

# Config backup of N lab devices: webnet vs Nornir+netmiko vs a bare asyncssh floor (N=1000 works).
bench: backend-install
	cd backend && $(BIN)/python bench/bench_backup.py --count $(N)

# UI/API latency at rest and while a reachability job over API_N loopback devices runs (embedded).
API_N ?= 10000
bench-api: backend-install
	cd backend && $(BIN)/python bench/bench_api.py --count $(API_N)

# Change-calendar conflict check against WINDOWS occurrences, vs a full scan.
WINDOWS ?= 5000
bench-calendar: backend-install
	cd backend && $(BIN)/python bench/bench_calendar.py --windows $(WINDOWS)

# A trap storm: 10,000 linkDown traps from 500 loopback sources in 10 s → deduplicated alarms.
bench-events: backend-install
	cd backend && $(BIN)/python bench/bench_events.py --traps 10000 --sources 500 --seconds 10

# Notification delivery soak: NOTIFY_N messages × 3 sinks, PostgreSQL + Redis + Celery, a worker killed.
NOTIFY_N ?= 10000
bench-notify: backend-install
	cd backend && $(BIN)/python bench/bench_notify.py --messages $(NOTIFY_N)

# Escalation soak: ESCALATION_N incidents' steps due mid-run, worker SIGKILLed, beat restarted (PostgreSQL + Redis + Celery).
ESCALATION_N ?= 100
bench-escalation: backend-install
	cd backend && $(BIN)/python bench/bench_escalation.py --incidents $(ESCALATION_N)

# Incident rooms: CHAT_CLIENTS sockets over CHAT_ROOMS rooms at 10 messages/s, in-memory layer then Redis.
CHAT_CLIENTS ?= 200
CHAT_ROOMS ?= 20
bench-chat: backend-install
	cd backend && $(BIN)/python bench/bench_chat.py --clients $(CHAT_CLIENTS) --rooms $(CHAT_ROOMS) --rate 10 --seconds 30

bench-drivers: backend-install
	cd backend && $(BIN)/python bench/bench_drivers.py --count $(N)

bench-lab: backend-install
	cd backend && $(BIN)/python bench/bench_lab.py --count $(N) --concurrency 100

# SNMP polling of N devices × 24 interfaces: webnet's poller vs snmpbulkwalk 50 at a time.
# POLL_SOURCE=snmpd (net-snmp agents in a namespace the bench creates), lab (the lab's agents) or snmpsim.
POLL_SOURCE ?= snmpd
bench-poll: backend-install test-system-deps
	cd backend && $(BIN)/python bench/bench_poll.py --count $(N) --source $(POLL_SOURCE)

# Access-Requests/s and p99 of radclient -p 64: FreeRADIUS on webnet's schema vs the files module.
bench-radius: backend-install test-system-deps
	cd backend && $(BIN)/python bench/bench_radius.py

clean:
	rm -rf $(VENV) $(WEBNET_STATE_DIR)
