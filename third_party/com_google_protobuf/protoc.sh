#!/bin/sh
# Debian package: protobuf-compiler (version pinned in third_party/debian.lock).
exec /usr/bin/protoc "$@"
