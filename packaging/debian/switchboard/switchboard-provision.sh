#!/bin/sh
# /usr/sbin/switchboard-provision DIR: install the desktop.toml and client key that
# `switchboard-edge keys issue NAME --out DIR` wrote, as this PC's configuration.
# The key identifies the PC, not the agent (agents still log in with their password), so
# it is readable by local users; revoke it on the edge with `switchboard-edge keys revoke NAME`.
set -e
R="${DPKG_ROOT:-}"
SRC="${1:?usage: switchboard-provision DIR-with-desktop.toml}"
[ -f "$SRC/desktop.toml" ] || { echo "switchboard-provision: no desktop.toml in $SRC" >&2; exit 2; }
KEY=$(sed -n 's/^client_key_file *= *"\(.*\)"/\1/p' "$SRC/desktop.toml")
install -d -m 0755 "$R/etc/switchboard"
install -m 0644 "$SRC/desktop.toml" "$R/etc/switchboard/desktop.toml"
if [ -n "$KEY" ]; then
    case "$KEY" in
    /*) echo "switchboard-provision: client_key_file is absolute ($KEY); keep it there" ;;
    *)  install -m 0644 "$SRC/$KEY" "$R/etc/switchboard/$KEY" ;;
    esac
fi
echo "switchboard-provision: this PC now uses $(sed -n 's/^edge *= *//p' "$SRC/desktop.toml")"
