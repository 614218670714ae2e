#!/bin/sh
# Entrypoint of maildock/rabbitmq:local, doing what the official rabbitmq image's does for us.
# RabbitMQ 3.10 itself honours RABBITMQ_DEFAULT_USER, RABBITMQ_DEFAULT_PASS and
# RABBITMQ_DEFAULT_VHOST on first boot, so they need no handling here.
set -eu

if [ "${1:-}" = rabbitmq-server ]; then
  shift
  # Debian's /usr/sbin/rabbitmq-server wrapper sends output to a log file; run the real script.
  server=/usr/lib/rabbitmq/bin/rabbitmq-server
  export HOME="${RABBITMQ_DATA_DIR:-/var/lib/rabbitmq}"
  cd "$HOME"
  if [ "$(id -u)" = 0 ]; then
    # A fresh volume or bind mount may be owned by root.
    chown -R rabbitmq:rabbitmq "$HOME" /var/log/rabbitmq
    exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$server" "$@"
  fi
  exec "$server" "$@"
fi

exec "$@"
