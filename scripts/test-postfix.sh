#!/usr/bin/env bash
# A real Postfix for the tests (tests/postfix.py), on loopback only.
#
# Installs Debian's postfix if missing, then makes the default instance (/etc/postfix) a test MTA:
# - an smtpd on 127.0.0.1:2525 with no TLS or AUTH and smtpd_recipient_limit=3, so the 4th RCPT of a
#   transaction gets "452 4.5.3 Error: too many recipients", as from a real provider's server;
# - any address @briefgen.example.org delivered by Postfix's virtual(8) into one Maildir, $MAILDIRS/inbox/{new,cur,tmp},
#   one file per recipient, starting "Delivered-To: <recipient>"; except local parts unknown-* (550 5.1.1 at
#   RCPT) and busy-* (450 4.2.1 at RCPT);
# - nothing relayed anywhere else, no port 25, no local delivery.
# Then starts it (no systemd needed) and waits for the 220 banner on 127.0.0.1:2525.
#
# Run as root (or with sudo) from anywhere; re-running is safe: it rewrites the config and restarts Postfix
# only when the config changed. It takes over /etc/postfix only if no other config is there (or under CI=true,
# where the machine is a throw-away, or with BRIEFGEN_POSTFIX_FORCE=1): the old main.cf and master.cf are kept
# as *.before-briefgen.
#
# Environment (all optional):
#   BRIEFGEN_POSTFIX_PORT      the test listener's port on 127.0.0.1 (2525)
#   BRIEFGEN_POSTFIX_MAILDIRS  the Maildir root: the mail goes to its inbox/ (/var/tmp/briefgen-maildirs)
#   BRIEFGEN_POSTFIX_USER      who owns the mail (vmail, made here; under sudo, the user who ran sudo, so that
#                              user's tests can read it)
# The tests find the server through BRIEFGEN_TEST_POSTFIX=127.0.0.1:PORT:MAILDIRS, or on 127.0.0.1:2525 without it.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo -- env \
      BRIEFGEN_POSTFIX_PORT="${BRIEFGEN_POSTFIX_PORT:-}" \
      BRIEFGEN_POSTFIX_MAILDIRS="${BRIEFGEN_POSTFIX_MAILDIRS:-}" \
      BRIEFGEN_POSTFIX_USER="${BRIEFGEN_POSTFIX_USER:-}" \
      BRIEFGEN_POSTFIX_FORCE="${BRIEFGEN_POSTFIX_FORCE:-}" \
      CI="${CI:-}" \
      bash "$(readlink -f "$0")" "$@"
  fi
  echo "test-postfix: needs root (or sudo) to install and run Postfix" >&2
  exit 1
fi

PORT=${BRIEFGEN_POSTFIX_PORT:-2525}
MAILDIRS=${BRIEFGEN_POSTFIX_MAILDIRS:-/var/tmp/briefgen-maildirs}
OWNER=${BRIEFGEN_POSTFIX_USER:-}
if [ -z "$OWNER" ]; then
  if [ -n "${SUDO_USER:-}" ] && [ "${SUDO_USER}" != root ]; then OWNER=$SUDO_USER; else OWNER=vmail; fi
fi
CONF=/etc/postfix
CI=${CI:-}
MARKER="# briefgen test MTA: written by scripts/test-postfix.sh"
LOG=/var/log/postfix-briefgen.log

say() { echo "test-postfix: $*" >&2; }
die() { say "$*"; exit 1; }

case "$PORT" in '' | *[!0-9]*) die "BRIEFGEN_POSTFIX_PORT must be a port number, not '$PORT'" ;; esac
case "$MAILDIRS" in /*) ;; *) die "BRIEFGEN_POSTFIX_MAILDIRS must be an absolute path, not '$MAILDIRS'" ;; esac
case "$MAILDIRS" in *:*) die "BRIEFGEN_POSTFIX_MAILDIRS must not contain ':' (BRIEFGEN_TEST_POSTFIX separates with it)" ;; esac
MAILDIRS=${MAILDIRS%/}

# --- 1. install -------------------------------------------------------------------------------------------
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

if ! installed postfix; then
  started=$(date +%s)
  # "No configuration": the package writes no main.cf and sets up no mail system; this script does.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # Keep apt from starting an MTA (invoke-rc.d and deb-systemd-invoke both ask policy-rc.d); Docker-style images
  # already have one that says no, which is left as it is.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# briefgen scripts/test-postfix.sh: no service starts while postfix installs\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  aptlog=$(mktemp)
  apt_install() {  # quiet unless it fails
    apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 postfix >"$aptlog" 2>&1 \
      || { cat "$aptlog" >&2; return 1; }
  }
  # Update the package lists only when they don't know postfix, or when an install from them fails (stale lists
  # name versions the mirror no longer has).
  if ! apt-cache show postfix >/dev/null 2>&1; then apt-get update -qq; fi
  if ! apt_install; then
    say "installing postfix from the current package lists failed; updating them and trying again"
    apt-get update -qq
    apt_install
  fi
  if [ -e "$policy" ] && grep -q 'briefgen scripts/test-postfix.sh' "$policy"; then rm -f "$policy"; trap - EXIT; fi
  rm -f "$aptlog"
  say "installed postfix $(dpkg-query -W -f='${Version}' postfix) in $(( $(date +%s) - started )) s"
fi
command -v postconf >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
command -v postconf >/dev/null 2>&1 || die "postfix is installed but postconf is not on PATH"

# --- 2. who owns the Maildirs -----------------------------------------------------------------------------
if ! id -u "$OWNER" >/dev/null 2>&1; then
  [ "$OWNER" = vmail ] || die "BRIEFGEN_POSTFIX_USER=$OWNER: no such user"
  useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin vmail
fi
uid=$(id -u "$OWNER")
gid=$(id -g "$OWNER")
[ "$uid" -ne 0 ] || die "the Maildirs' owner must not be root (Postfix's virtual agent refuses uid 0)"
mkdir -p "$MAILDIRS"
chown -R "$uid:$gid" "$MAILDIRS"  # also after an earlier run with another owner: virtual(8) writes as this uid
chmod 755 "$MAILDIRS"

# --- 3. configure -----------------------------------------------------------------------------------------
# A main.cf without the marker is someone's mail system (the package itself writes only master.cf, under
# "No configuration"): keep it unless told to, or on CI's throw-away machine.
if [ -e "$CONF/main.cf" ] && ! grep -qF "$MARKER" "$CONF/main.cf"; then
  if [ "${CI,,}" != true ] && [ "${BRIEFGEN_POSTFIX_FORCE:-}" != 1 ]; then
    die "$CONF/main.cf is another Postfix configuration; this script would replace it. Run with" \
      "BRIEFGEN_POSTFIX_FORCE=1 to do so (it is kept as $CONF/main.cf.before-briefgen)"
  fi
  say "replacing $CONF/main.cf (kept as $CONF/main.cf.before-briefgen)"
fi
for f in main.cf master.cf; do
  if [ -e "$CONF/$f" ] && ! grep -qF "$MARKER" "$CONF/$f" && [ ! -e "$CONF/$f.before-briefgen" ]; then
    cp -p "$CONF/$f" "$CONF/$f.before-briefgen"
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${policy:-}" ] && grep -qs "briefgen scripts/test-postfix.sh" "$policy" && rm -f "$policy"; true' EXIT
cat >"$tmp/main.cf" <<EOF
$MARKER
# A test MTA on loopback: mail to any address @briefgen.example.org goes to the Maildir $MAILDIRS/inbox/, one file
# per recipient; nothing is relayed anywhere else. Re-run the script rather than editing this file.
compatibility_level = 3.6
myhostname = mta.briefgen.example.org
myorigin = \$myhostname
mydestination =
relayhost =
relay_domains =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access regexp:$CONF/briefgen-recipient-access
biff = no
append_dot_mydomain = no
readme_directory = no
alias_maps =
alias_database =
local_transport = error:local delivery is disabled on this test MTA
default_transport = error:this test MTA delivers only to @briefgen.example.org
smtpd_tls_security_level = none
smtp_tls_security_level = none
smtpd_sasl_auth_enable = no
message_size_limit = 26214400
mailbox_size_limit = 0
virtual_mailbox_limit = 0
virtual_mailbox_domains = briefgen.example.org
virtual_mailbox_base = $MAILDIRS
virtual_mailbox_maps = regexp:$CONF/briefgen-virtual-mailboxes
virtual_minimum_uid = $uid
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
# A test that leaves a deferred message should not wait the default 5 minutes, nor leave it for days.
queue_run_delay = 10s
minimal_backoff_time = 10s
maximal_backoff_time = 60s
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
# No syslog in a container: postlogd writes here.
maillog_file = $LOG
EOF

# Which addresses @briefgen.example.org exist. Postfix will not put a part of the address into a mailbox path (no
# regexp substitution in virtual_mailbox_maps, by design), so every recipient shares one Maildir, $MAILDIRS/inbox/,
# and virtual(8) writes one file per recipient that starts with "Delivered-To: <recipient>": tests/postfix.py sorts
# by that. Local parts "unknown-*" do not exist ("550 5.1.1 ... User unknown in virtual mailbox table").
cat >"$tmp/briefgen-virtual-mailboxes" <<'EOF'
# briefgen test MTA: written by scripts/test-postfix.sh
if !/^unknown-/
/@briefgen\.example\.org$/	inbox/
endif
EOF
# Local parts "busy-*" are refused for now ("450 4.2.1"), as by a server that asks the client to try later.
cat >"$tmp/briefgen-recipient-access" <<'EOF'
# briefgen test MTA: written by scripts/test-postfix.sh
/^busy-[^@]*@briefgen\.example\.org$/	450 4.2.1 Mailbox busy, try again later (briefgen test MTA: busy-*)
EOF

# master.cf: the package's own, for this Postfix version's services (postlog, ...), then edited with postconf.
dist=/usr/share/postfix/master.cf.dist
if [ -e "$dist" ]; then
  cp "$dist" "$tmp/master.cf"
elif [ -e "$CONF/master.cf.before-briefgen" ]; then
  cp "$CONF/master.cf.before-briefgen" "$tmp/master.cf"
elif [ -e "$CONF/master.cf" ] && ! grep -qF "$MARKER" "$CONF/master.cf"; then
  cp "$CONF/master.cf" "$tmp/master.cf"
else
  die "no master.cf to start from ($dist is missing)"
fi
sed -i "1i $MARKER" "$tmp/master.cf"
# Postfix waits for a main.cf written in the last second or two to settle before it reads it: date the staged
# one back, so that the edits below and a re-run that changes nothing take no such pause.
touch -d '-1 minute' "$tmp/main.cf"
postconf -c "$tmp" -M# smtp/inet  # no port 25 at all: nothing else may be bound there on a developer's machine
postconf -c "$tmp" -F '*/*/chroot = n'  # no chroot: it needs copies of /etc files that only Debian's init script makes
listener="127.0.0.1:$PORT"
postconf -c "$tmp" -M "$listener/inet=$listener inet n - n - - smtpd"
postconf -c "$tmp" -P \
  "$listener/inet/syslog_name=postfix/briefgen-test" \
  "$listener/inet/smtpd_recipient_limit=3" \
  "$listener/inet/smtpd_tls_security_level=none" \
  "$listener/inet/smtpd_sasl_auth_enable=no"
# postlogd serves maillog_file; Debian's master.cf has had it since Postfix 3.4, but make sure.
[ -n "$(postconf -c "$tmp" -M postlog/unix-dgram)" ] \
  || postconf -c "$tmp" -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"

# Install only what differs, so that a re-run leaves a running Postfix alone.
changed=no
for f in main.cf master.cf briefgen-virtual-mailboxes briefgen-recipient-access; do
  if ! cmp -s "$tmp/$f" "$CONF/$f"; then
    cp -p "$tmp/$f" "$CONF/$f"
    chmod 644 "$CONF/$f"
    changed=yes
  fi
done
touch "$LOG"
postfix -c "$CONF" check

# --- 4. start ---------------------------------------------------------------------------------------------
banner() {  # the first line 127.0.0.1:$PORT answers with, or nothing
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 0
  IFS= read -r -t 5 line <&3 || true
  printf 'QUIT\r\n' >&3 2>/dev/null || true
  exec 3<&- 3>&-
  printf '%s' "${line%$'\r'}"
}

if postfix -c "$CONF" status >/dev/null 2>&1; then
  if [ "$changed" = yes ]; then
    say "config changed: restarting postfix"
    postfix -c "$CONF" stop >/dev/null 2>&1
    for _ in $(seq 50); do postfix -c "$CONF" status >/dev/null 2>&1 || break; sleep 0.2; done
    postfix -c "$CONF" start >/dev/null 2>&1 || { tail -n 20 "$LOG" >&2; die "postfix did not start"; }
  fi
else
  # Something answering now is another server, or the children of a Postfix master that was killed: they
  # keep the listening socket until they notice (seconds). Wait for it to go, then give up.
  for _ in $(seq 50); do line=$(banner); [ -n "$line" ] || break; sleep 0.2; done
  [ -z "$line" ] || die "127.0.0.1:$PORT is taken by something else (it says: $line); set BRIEFGEN_POSTFIX_PORT"
  postfix -c "$CONF" start >/dev/null 2>&1 || { tail -n 20 "$LOG" >&2; die "postfix did not start"; }
fi

deadline=$(( $(date +%s) + 20 ))
while :; do
  line=$(banner)
  case "$line" in 220*) break ;; esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    tail -n 20 "$LOG" >&2 || true
    die "no 220 banner on 127.0.0.1:$PORT after 20 s (got: '${line}')"
  fi
  sleep 0.2
done
echo "postfix ready: 127.0.0.1:$PORT maildirs=$MAILDIRS"
