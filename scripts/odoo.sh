#!/usr/bin/env bash
# Entry points behind the Makefile: run stop test update shell lint pot readme pages book bench
set -euo pipefail
# shellcheck source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

DEMO_DB="${DEMO_DB:-insurance_demo}"
TEST_DB="${TEST_DB:-insurance_test}"
# Languages of the demo database: Odoo's translations loaded at its first install
DEMO_LANGS="${DEMO_LANGS:-lt_LT,ru_RU,zh_CN}"
HTTP_PORT="${HTTP_PORT:-8069}"
TEST_HTTP_PORT="${TEST_HTTP_PORT:-8169}"
PID_FILE="$RUN_DIR/odoo.pid"
LOG_FILE="$RUN_DIR/odoo.log"

# Every installable addon of this repository, comma-separated.
suite_addons() {
    local names=() manifest dir
    for manifest in "$ROOT"/*/__manifest__.py; do
        dir="$(basename "$(dirname "$manifest")")"
        grep -Eq "[\"']installable[\"']: *False" "$manifest" || names+=("$dir")
    done
    [ ${#names[@]} -gt 0 ] || die "no addon found in $ROOT"
    (IFS=,; echo "${names[*]}")
}

odoo() { "$VENV/bin/python" "$ODOO_BIN" "$@"; }

db_exists() {
    [ "$(psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -Atqc \
        "select 1 from pg_database where datname = '$1'")" = 1 ]
}

# Addons of the suite not yet installed in database $1.
missing_addons() {
    local db="$1" addons installed missing=() a
    addons="$(suite_addons)"
    installed="$(psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$db" -Atqc \
        "select name from ir_module_module where state = 'installed'" 2>/dev/null || true)"
    for a in ${addons//,/ }; do
        grep -qx "$a" <<<"$installed" || missing+=("$a")
    done
    (IFS=,; echo "${missing[*]}")
}

# A fingerprint of the suite's code: when it changes, the demo database is
# upgraded before Odoo starts (new fields, views, data).
code_fingerprint() {
    local addon
    for addon in $(suite_addons | tr , ' '); do
        find "$ROOT/$addon" -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' \
            -o -name '*.js' -o -name '*.scss' -o -name '*.po' -o -name '*.pot' \) -print0
    done | sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1
}

odoo_running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

cmd_run() {
    setup_all
    local conf missing
    conf="$(run_config)"
    if odoo_running; then
        say "Odoo is already running (pid $(cat "$PID_FILE"))"
    else
        local stamp="$RUN_DIR/$DEMO_DB.code" fingerprint
        fingerprint="$(code_fingerprint)"
        missing="$(missing_addons "$DEMO_DB")"
        if [ -n "$missing" ]; then
            say "installing $missing with demo data in database $DEMO_DB (first run: a few minutes)"
            # Odoo's own screens in the clients' languages too, not only the
            # suite's (a demo user working in Lithuanian sees Odoo in Lithuanian).
            odoo -c "$conf" -d "$DEMO_DB" -i "$missing" --stop-after-init \
                --load-language="$DEMO_LANGS" \
                || die "installing the addons failed, see $LOG_FILE"
        elif [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint" ]; then
            say "the suite's code changed: upgrading its addons in $DEMO_DB"
            odoo -c "$conf" -d "$DEMO_DB" -u "$(suite_addons)" --stop-after-init \
                || die "upgrading the addons failed, see $LOG_FILE"
        fi
        echo "$fingerprint" >"$stamp"
        say "starting Odoo (log: $LOG_FILE)"
        nohup "$VENV/bin/python" "$ODOO_BIN" -c "$conf" >/dev/null 2>&1 &
        echo $! >"$PID_FILE"
    fi
    local i host
    # Where Odoo listens: HTTP_INTERFACE, or every interface when it is empty
    # or 0.0.0.0 (then this machine reaches it on localhost).
    case "$HTTP_INTERFACE" in
        "" | 0.0.0.0 | 127.0.0.1) host=localhost ;;
        *:*) host="[$HTTP_INTERFACE]" ;;
        *) host="$HTTP_INTERFACE" ;;
    esac
    for i in $(seq 1 120); do
        if curl -fs -o /dev/null "http://$host:$HTTP_PORT/web/login"; then
            echo
            echo "  Odoo is running:  http://$host:$HTTP_PORT"
            echo "  database $DEMO_DB, login: admin / password: admin (demo data only)"
            echo "  stop it with:     make stop"
            return 0
        fi
        odoo_running || die "Odoo stopped right after starting, see $LOG_FILE"
        sleep 1
    done
    die "Odoo did not answer on port $HTTP_PORT within 2 minutes, see $LOG_FILE"
}

cmd_stop() {
    if odoo_running; then
        say "stopping Odoo (pid $(cat "$PID_FILE"))"
        kill "$(cat "$PID_FILE")"
        for _ in $(seq 1 30); do odoo_running || break; sleep 1; done
        odoo_running && kill -9 "$(cat "$PID_FILE")"
    fi
    rm -f "$PID_FILE"
    stop_private_pg
}

# The config of each command, written by write_config (scripts/setup.sh).
run_config() {
    write_config run False "http_port = $HTTP_PORT" "db_name = $DEMO_DB" \
        "dbfilter = ^$DEMO_DB\$" "logfile = $LOG_FILE"
}
test_config() {
    write_config test False "http_port = $TEST_HTTP_PORT" "db_name = $TEST_DB" \
        "max_cron_threads = 0"
}
pot_config() { write_config pot True "max_cron_threads = 0"; }
book_config() { write_config book True "max_cron_threads = 0"; }

# Fails unless every config the commands write keeps the shipped safeguards:
# no database manager or list (list_db = False), a master password that is not
# Odoo's default (nor empty, nor in clear), an HTTP interface set.
check_configs() {
    local dir conf kind bad=0 passwd
    dir="$(mktemp -d)"
    for kind in run test pot book; do
        CONFIG_DIR="$dir" "${kind}_config" >/dev/null
    done
    passwd="$(cat "$ADMIN_PASSWD_FILE")"
    for conf in "$dir"/odoo-*.conf; do
        grep -qx "list_db = False" "$conf" || { say "$(basename "$conf"): no 'list_db = False'"; bad=1; }
        grep -q "^http_interface = " "$conf" || { say "$(basename "$conf"): no http_interface"; bad=1; }
        if ! grep -q '^admin_passwd = \$pbkdf2-sha512\$' "$conf" \
            || grep -Eq "^admin_passwd = (admin|False|$passwd)?\$" "$conf"; then
            say "$(basename "$conf"): the master password is the default, empty or in clear"
            bad=1
        fi
    done
    rm -rf "$dir"
    [ "$bad" = 0 ] || die "a generated Odoo config lacks a safeguard (scripts/setup.sh write_config)"
}

# Fails unless the wkhtmltopdf that Odoo will print with under config $1 is a
# build with patched Qt: found as Odoo finds it (odoo.tools.misc.find_in_path:
# the PATH, then the config's bin_path), in this environment. Another build
# prints no letterhead nor footer and no print of several records: the PDF
# tests would then not test what a client gets.
check_wkhtmltopdf() {
    local conf="$1" bin version
    bin="$("$VENV/bin/python" - "$conf" <<'EOF'
import sys

from odoo.tools import config
from odoo.tools.misc import find_in_path

config.parse_config(["-c", sys.argv[1]])
print(find_in_path("wkhtmltopdf") or "")
EOF
)" || die "could not ask Odoo which wkhtmltopdf it uses"
    [ -n "$bin" ] || die "Odoo finds no wkhtmltopdf (PATH, then bin_path of $conf): run scripts/setup.sh"
    version="$("$bin" --version 2>&1 || true)"
    grep -q "with patched qt" <<<"$version" \
        || die "Odoo would print with $bin ($version), not a wkhtmltopdf with patched qt: run scripts/setup.sh, which installs one into $WKHTMLTOPDF_DIR"
    say "PDF reports: $bin ($version)"
}

# Upgrade the suite's addons in the demo database after a code change.
cmd_update() {
    setup_all
    local conf
    conf="$(write_config run False "db_name = $DEMO_DB" "logfile = $LOG_FILE")"
    odoo -c "$conf" -d "$DEMO_DB" -u "$(suite_addons)" --stop-after-init || die "update failed, see $LOG_FILE"
    say "updated; restart with: make stop && make run"
}

# The unit tests of the addons' pure Python tools (<addon>/tools/tests):
# plain unittest, without Odoo nor a database, in about a second. Odoo's
# runner collects <addon>/tests only, so they run here and only here.
run_unit_tests() {
    local addon
    for addon in $(suite_addons | tr , ' '); do
        [ -d "$ROOT/$addon/tools/tests" ] || continue
        say "unit tests of $addon/tools"
        "$VENV/bin/python" -m unittest discover --quiet -t "$ROOT/$addon" \
            -s "$ROOT/$addon/tools/tests" || return 1
    done
}

cmd_test() {
    setup_all
    local conf addons tags log="$RUN_DIR/test.log" rc=0
    addons="$(suite_addons)"
    run_unit_tests || die "a unit test of the tools failed (see above)"
    # TEST_TAGS narrows the run while developing, e.g. TEST_TAGS=/insurance_broker:TestPolicy
    tags="${TEST_TAGS:-$(sed 's#\(^\|,\)#\1/#g' <<<"$addons")}"
    check_configs
    # Every .po of the suite complete, nothing fuzzy, placeholders as in the
    # source (the tests check that each .pot holds the code's strings).
    say "checking the translations"
    # shellcheck disable=SC2046
    "$VENV/bin/python" "$ROOT/scripts/check_po.py" $(suite_addons | tr , ' ' | sed "s#[^ ]*#$ROOT/&#g") \
        || die "translations incomplete (see above): make pot, then translate the new strings"
    conf="$(test_config)"
    check_wkhtmltopdf "$conf"
    if db_exists "$TEST_DB"; then
        dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$TEST_DB" || die "could not drop database $TEST_DB"
    fi
    say "installing $addons in a fresh database $TEST_DB and running tests ($tags)"
    odoo -c "$conf" -d "$TEST_DB" -i "$addons" --test-enable --test-tags "$tags" \
        --stop-after-init --log-level=test 2>&1 | tee "$log" | grep -E --line-buffered \
        " (ERROR|CRITICAL|WARNING) |odoo.tests.stats|: skipped |tests when loading|^(FAIL|ERROR):" || true
    rc=${PIPESTATUS[0]}
    local summary failed errors total skipped
    summary="$(grep -Eo '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -1 || true)"
    [ -n "$summary" ] || { echo "no test summary in $log"; exit 1; }
    read -r failed errors total <<<"$(sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests/\1 \2 \3/' <<<"$summary")"
    skipped="$(grep -cE 'INFO .*: skipped ' "$log" || true)"
    local bad_logs
    bad_logs="$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" || true)"
    # Odoo only warns when an addon's demo data fails and installs it without:
    # the tours and the demo users would then be missing, so it fails the run.
    local demo_failed
    demo_failed="$(grep -c 'demo data failed to install' "$log" || true)"
    bad_logs=$((bad_logs + demo_failed))
    local tests_ok=1 smoke_ok=1
    if [ "$rc" != 0 ] || [ "$failed" != 0 ] || [ "$errors" != 0 ] || [ "$skipped" != 0 ] || [ "$bad_logs" != 0 ] || [ "$total" = 0 ]; then
        tests_ok=0
    fi
    # The benchmarks are not tests, but a small run keeps them from rotting.
    if [ "$tests_ok" = 1 ] && [ -z "${TEST_TAGS:-}" ] && [ -z "${SKIP_BENCH_SMOKE:-}" ]; then
        say "benchmark smoke run on a tiny book"
        (SIZE=tiny BENCH_SMOKE=1 BENCH_CONFIRM=1000 BENCH_FRESH=1 cmd_bench) || smoke_ok=0
    fi
    echo
    echo "tests: $((total - failed - errors - skipped)) passed, $((failed + errors)) failed, $skipped skipped"
    if [ "$tests_ok" != 1 ]; then
        say "FAILED (odoo exit $rc, $bad_logs error log lines, $skipped skipped); full log: $log"
        exit 1
    fi
    [ "$smoke_ok" = 1 ] || die "the benchmark smoke run failed (see above)"
}

# Export each addon's i18n/<addon>.pot from a fresh database where the suite
# is installed without demo data.
# Each addon's README.rst and static/description/index.html from readme/*.md.
cmd_readme() {
    find_odoo
    ensure_venv
    local addon
    for addon in $(suite_addons | tr , ' '); do
        "$VENV/bin/python" "$ROOT/scripts/gen_readme.py" "$ROOT/$addon" || die "README of $addon failed"
        say "wrote $addon/README.rst and static/description/index.html"
    done
}

cmd_pot() {
    setup_all
    local conf db=insurance_pot addon
    conf="$(pot_config)"
    # shellcheck disable=SC2046
    "$VENV/bin/python" "$ROOT/scripts/check_translatable.py" \
        $(find $(suite_addons | tr , ' ' | sed "s#[^ ]*#$ROOT/&#g") -name '*.py') \
        || die "fix the translatable strings above first"
    if db_exists "$db"; then dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$db"; fi
    odoo -c "$conf" -d "$db" -i "$(suite_addons)" --stop-after-init --log-level=warn \
        || die "installing the suite failed"
    for addon in $(suite_addons | tr , ' '); do
        mkdir -p "$ROOT/$addon/i18n"
        # Odoo logs a source file it cannot extract and goes on: its terms
        # would be missing from the .pot, so any error fails the export.
        odoo -c "$conf" -d "$db" --i18n-export="$ROOT/$addon/i18n/$addon.pot" \
            --modules="$addon" --stop-after-init --log-level=warn 2>&1 | tee "$RUN_DIR/pot-$addon.log"
        [ "${PIPESTATUS[0]}" = 0 ] || die "export of $addon failed"
        ! grep -qE 'Traceback| ERROR ' "$RUN_DIR/pot-$addon.log" \
            || die "export of $addon: a source could not be extracted (see $RUN_DIR/pot-$addon.log)"
        say "exported $addon/i18n/$addon.pot"
    done
    dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$db"
}

# A database with a synthetic book of business (bench/book.py): SIZE is
# tiny, small, medium, large, xlarge (1,000,000 policies) or a number.
book_db() { echo "insurance_book_${SIZE:-small}"; }

cmd_book() {
    setup_all
    local conf db
    db="$(book_db)"
    conf="$(book_config)"
    if db_exists "$db"; then dropdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$db"; fi
    say "installing $(suite_addons) without demo data in $db"
    odoo -c "$conf" -d "$db" -i "$(suite_addons)" --stop-after-init --log-level=warn \
        || die "installing the suite in $db failed"
    "$VENV/bin/python" "$ROOT/bench/run.py" -c "$conf" -d "$db" book --size "${SIZE:-small}" \
        || die "generating the book failed"
}

# Benchmarks on the book of SIZE (generated first if missing); BENCH_SMOKE=1
# fails only on errors and growing query counts (the run make test does).
cmd_bench() {
    setup_all
    local conf db out
    db="$(book_db)"
    [ -z "${BENCH_FRESH:-}" ] && db_exists "$db" && psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$db" -Atqc \
        "select 1 from res_partner where name like 'Fleet Operator %' limit 1" | grep -q 1 \
        || cmd_book
    conf="$(book_config)"
    out="${BENCH_OUT:-$RUN_DIR/bench/bench-${SIZE:-small}.json}"
    "$VENV/bin/python" "$ROOT/bench/run.py" -c "$conf" -d "$db" bench --size "${SIZE:-small}" \
        --out "$out" ${BENCH_SMOKE:+--smoke}
}

cmd_shell() {
    setup_all
    local conf
    conf="$(write_config run False "db_name = $DEMO_DB")"
    "$VENV/bin/python" "$ODOO_BIN" shell -c "$conf" -d "$DEMO_DB" "$@"
}

# The first page of each document, printed from the demo data, as a PNG under
# its addon's static/description/ for the Apps page (tests tagged document_pages).
cmd_pages() {
    TEST_TAGS=document_pages SKIP_BENCH_SMOKE=1 cmd_test
    git -C "$ROOT" status --short -- '*/static/description/*.png'
}

cmd_lint() {
    find_odoo
    ensure_venv
    PATH="$VENV/bin:$PATH" PRE_COMMIT_HOME="$ROOT/.cache/pre-commit" \
        "$VENV/bin/pre-commit" run --all-files --show-diff-on-failure
}

case "${1:-}" in
    run | stop | test | update | shell | lint | pot | readme | pages | book | bench) cmd="$1"; shift; "cmd_$cmd" "$@" ;;
    *) die "usage: scripts/odoo.sh run|stop|test|update|shell|lint|pot|readme|pages|book|bench" ;;
esac
