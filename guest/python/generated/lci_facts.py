# Generated from the Rust core (crates/sandbox/src/facts.rs) by
# `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated`. Do not edit: `cargo test` fails when
# this file and the core disagree. guest/build.sh puts it ahead of warmup.py, which deletes the name.
_LCI_FACTS = {
    'TOOL_FUNCTION': 'lci.tool',
    'FETCH_FUNCTION': 'lci.fetch',
    'MORE_FUNCTION': 'lci.more',
    'UPLOAD_FUNCTION': 'lci.upload',
    'REPLY_WHOLE': 'ok',
    'REPLY_MORE': 'more',
    'REPLY_LAST': 'last',
    'UPLOAD_PIECE_CHARS': 20000,
}
