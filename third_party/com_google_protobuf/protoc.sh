#!/bin/sh
# Debian package: protobuf-compiler (version pinned in third_party/debian12.lock and debian13.lock).
exec /usr/bin/protoc "$@"
