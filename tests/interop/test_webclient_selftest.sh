#!/usr/bin/env bash
# interop_webclient_selftest: the Node browser user of these tests
# (lib/webclient.cjs) signs exactly as protocol/api.md says (every vector in
# protocol/examples/signing), and the ws package it needs is installed.
# No server. usage: test_webclient_selftest.sh [PARLEY_BIN (unused)]
. "$(dirname "$0")/lib/harness.sh"
. "$IT_LIB_DIR/web.sh"
it_begin interop_webclient_selftest

command -v node >/dev/null || it_fail "node is not installed"
vectors=$(cd "$IT_DIR/../../protocol/examples/signing" && pwd) || it_fail "no protocol/examples/signing"
out=$(node "$IT_LIB_DIR/webclient.cjs" --selftest "$vectors" 2>&1) || it_fail "signing: $out"
np=$(wc_node_path) || it_fail "no node_modules with the ws package (run: cd client && npm ci)"
NODE_PATH=$np node -e 'require("ws")' 2>/dev/null || it_fail "ws in $np does not load"
it_pass "$out; ws from $np"
