#!/bin/sh
# /usr/bin/switchboard-edge: the edge's command line for IT.
# Run by root, it switches to the edge's system user so keys, store and logs stay owned by
# the service (a root-owned store file would stop the service at its next start).
BIN=/opt/switchboard/switchboard-edge/switchboard-edge
if [ "$(id -u)" = 0 ] && [ -z "$SWITCHBOARD_AS_ROOT" ] && getent passwd switchboard >/dev/null; then
    cd /var/lib/switchboard 2>/dev/null || cd /
    exec runuser -u switchboard -- "$BIN" "$@"
fi
exec "$BIN" "$@"
