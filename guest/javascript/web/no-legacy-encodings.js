// Stands in for @exodus/bytes/encoding.js in the guest's bundle (guest/javascript/bundle.mjs aliases it here).
// whatwg-url imports that module only to register the legacy multi-byte encodings (Shift_JIS, GBK, Big5…) for
// an "encoding override", which only a document's form submission and <a href> parsing have; the URL and
// URLSearchParams APIs always encode UTF-8. Their tables are 320 kB the guest would parse and keep for nothing.
export {};
