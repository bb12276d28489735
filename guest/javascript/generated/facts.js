// Generated from the Rust core (crates/sandbox/src/facts.rs) by
// `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated`. Do not edit: `cargo test` fails when
// this file and the core disagree. The warm-up (warmup.js) imports it; the bundle carries it.

// The host functions of crates/sandbox/src/host/host_calls.rs.
export const HOST_FUNCTIONS = Object.freeze({
  TOOL: 'lci.tool',
  FETCH: 'lci.fetch',
  MORE: 'lci.more',
  UPLOAD: 'lci.upload',
});

// The keys of a reply's envelope: whole, a piece more follow, the last piece.
export const REPLY = Object.freeze({
  WHOLE: 'ok',
  MORE: 'more',
  LAST: 'last',
});

// The most characters of an argument sent inline or in one upload piece.
export const UPLOAD_PIECE_CHARS = 20000;
