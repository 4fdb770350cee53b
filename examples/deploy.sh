#!/bin/sh
# Sample script for a "command" deployer. Bellwether runs it as an argv (no shell in between):
#
#   command: [examples/deploy.sh, "{instance}", "{address}", "{version}"]
#
# It must be idempotent (Bellwether may run it again after a worker crash) and exit 0 only when
# the version is in place. This sample changes nothing: it prints what a real script would do.
set -eu

if [ "$#" -ne 3 ]; then
  echo "usage: $0 INSTANCE HOST:PORT VERSION" >&2
  exit 2
fi
instance=$1
address=$2
version=$3

echo "deploy ${instance} at ${address}: would install version ${version}"
echo "  would stop the service on ${address} (it is already drained at the load balancer)"
echo "  would install package web-${version} on the host of ${instance}"
echo "  would start the service and return; Bellwether probes its health itself"
exit 0
