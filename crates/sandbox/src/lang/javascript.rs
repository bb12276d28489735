//! JavaScript code as the QuickJS guest should run it: as a classic script, or as an ES module,
//! decided by parsing it.
//!
//! Why: the guest's driver runs code as a module only when one of its lines starts with an
//! `import` or `export` statement, and as a script otherwise. A script is what a session needs
//! (its top-level `var`, `function`, `let` and `const` declarations stay global, so the next run
//! sees them, and sloppy `x = 1` works), but a top-level `await` is a syntax error in a script.
//! So code that parses as a script runs as one, unchanged; code that only parses as a module
//! (top-level `await`, `import.meta`, `import`/`export`) runs as a module, told to the driver
//! with an `export {};` line when it has no line the driver would see; code that parses as
//! neither is left as it is, so the guest reports QuickJS's own `SyntaxError`.
//!
//! One ambiguity: a sloppy script may name a variable `await`, so `console.log(await (p))` is a
//! valid script calling a function named `await`, which would fail with a `ReferenceError`. Code
//! that parses as both and, parsed as a module, has an `await` outside every function is meant
//! as a module, and runs as one.
//!
//! The parser (oxc) recurses once per nesting level and has no depth limit, so it runs on a
//! thread of its own whose stack is sized from an upper bound of the code's nesting; code too
//! deeply nested for the largest stack it may have (256 MiB) is not parsed and is left as it is.

use oxc_allocator::Allocator;
use oxc_ast::ast::{Program, SourceType};
use oxc_ast::AstKind;
use oxc_ast_visit::Visit;
use oxc_parser::{Parser, ParserReturn};

/// The largest stack a parse gets; code whose nesting bound needs more is not parsed.
const STACK_MAX: usize = 256 << 20;
/// The stack one nesting level (one token, see [`nesting_bound`]) may take while parsing or
/// walking the tree: measured at most 1.5 KiB in a release build (a chain of `[` or `(`) and
/// 2.9 KiB in a debug one, so about twice that.
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) { 6 << 10 } else { 4 << 10 };
/// The stack a parse takes besides its nesting levels, with room to spare.
const STACK_BASE: usize = 1 << 20;

/// How the guest should run a piece of JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Goal {
    Script,
    Module,
}

/// `code` as the QuickJS guest should run it: unchanged, or, when it must run as a module and
/// has no line the driver takes for one, with an `export {};` line after it.
pub fn entry(code: String) -> String {
    if goal(&code) == Goal::Module && !driver_sees_module(&code) {
        code + "\nexport {};\n"
    } else {
        code
    }
}

/// Whether `code` must run as a module: it parses as one and not as a script, or as both but has
/// an `await` only a module allows. A script otherwise, also when it parses as neither or is too
/// deeply nested to parse here.
fn goal(code: &str) -> Goal {
    // Without these words nothing only a module allows can be there (and what a module allows, a script
    // allows too): no parse, and no thread to parse on, for most runs.
    if !["import", "export", "await"].iter().any(|word| code.contains(word)) {
        return Goal::Script;
    }
    let stack = nesting_bound(code).saturating_mul(STACK_PER_LEVEL).saturating_add(STACK_BASE);
    if stack > STACK_MAX {
        return Goal::Script;
    }
    std::thread::scope(|scope| {
        let parse = std::thread::Builder::new().name("lci-js-parse".into()).stack_size(stack);
        parse.spawn_scoped(scope, || decide(code)).ok().and_then(|thread| thread.join().ok()).unwrap_or(Goal::Script)
    })
}

/// [`goal`], on a thread whose stack is deep enough for `code`.
fn decide(code: &str) -> Goal {
    let clean = |parsed: &ParserReturn| !parsed.panicked && parsed.diagnostics.is_empty();
    let script_arena = Allocator::default();
    let script = Parser::new(&script_arena, code, SourceType::script()).parse();
    // oxc leaves `import` and `export` in a script to a later check, and takes note of them.
    let is_script = clean(&script) && !script.module_record.has_module_syntax;
    // Without the word, a valid script cannot mean a top-level `await`.
    if is_script && !code.contains("await") {
        return Goal::Script;
    }
    let module_arena = Allocator::default();
    let module = Parser::new(&module_arena, code, SourceType::mjs()).parse();
    if clean(&module) && (!is_script || has_top_level_await(&module.program)) {
        Goal::Module
    } else {
        Goal::Script
    }
}

/// Whether `program`, parsed as a module, has an `await` outside every function (and class field
/// or static block), as a script would have taken for a variable named `await`.
fn has_top_level_await(program: &Program) -> bool {
    #[derive(Default)]
    struct Finder {
        in_functions: usize,
        found: bool,
    }
    fn is_function(kind: &AstKind) -> bool {
        matches!(
            kind,
            AstKind::Function(_)
                | AstKind::ArrowFunctionExpression(_)
                | AstKind::StaticBlock(_)
                | AstKind::PropertyDefinition(_)
                | AstKind::AccessorProperty(_)
        )
    }
    impl<'a> Visit<'a> for Finder {
        fn enter_node(&mut self, kind: AstKind<'a>) {
            self.in_functions += usize::from(is_function(&kind));
            self.found |= self.in_functions == 0 && matches!(kind, AstKind::AwaitExpression(_));
        }
        fn leave_node(&mut self, kind: AstKind<'a>) {
            self.in_functions -= usize::from(is_function(&kind));
        }
    }
    let mut finder = Finder::default();
    finder.visit_program(program);
    finder.found
}

/// An upper bound of how deeply the parser can recurse into `code`: each level takes at least
/// one token, and each token is an ASCII word (a name, keyword or number) or has an ASCII byte
/// that is neither white space nor part of a word, or a character past ASCII; so this counts
/// those words, bytes and characters. (A character past ASCII, which may be white space such as
/// U+00A0 between two words, is never taken for part of a word.)
fn nesting_bound(code: &str) -> usize {
    let mut levels = 0usize;
    let mut in_word = false;
    for &b in code.as_bytes() {
        let word = b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        levels += usize::from(if word { !in_word } else if b.is_ascii() { !b.is_ascii_whitespace() } else { b >= 0xc0 });
        in_word = word;
    }
    levels
}

/// Whether the guest's driver runs `code` as a module by itself: a line that starts, after spaces
/// and tabs, with `import` or `export` followed by one of ` \t{*"'`, and not `import(` or
/// `import (` (`looks_like_module` in hyperlight-unikraft's `hl_quickjsdriver.c`).
fn driver_sees_module(code: &str) -> bool {
    let code = code.strip_prefix('\u{feff}').unwrap_or(code);
    code.split('\n').any(|line| {
        let line = line.trim_start_matches([' ', '\t']);
        ["import", "export"].into_iter().any(|keyword| {
            let Some(rest) = line.strip_prefix(keyword) else { return false };
            rest.starts_with([' ', '\t', '{', '*', '"', '\''])
                && !(keyword == "import" && rest.trim_start_matches([' ', '\t']).starts_with('('))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKER: &str = "\nexport {};\n";

    fn runs_as_script(code: &str) {
        assert_eq!(goal(code), Goal::Script, "{code:?} should run as a script");
        assert_eq!(entry(code.into()), code, "{code:?} should be unchanged");
    }

    fn runs_as_marked_module(code: &str) {
        assert_eq!(goal(code), Goal::Module, "{code:?} should run as a module");
        assert_eq!(entry(code.into()), format!("{code}{MARKER}"), "{code:?} should get the module marker");
    }

    #[test]
    fn await_only_inside_an_async_function_stays_a_script() {
        // Was a module (a substring test saw ` await `): strict, so `x = 1` threw, and a session's
        // declarations stopped being global.
        runs_as_script("async function f(){ await 1 }\nx = 1\nf()");
        runs_as_script("async function g(){ await null; return 7 }\nvar kept = 1");
        runs_as_script("const h = async () => { const v = await fetchIt(); return v }\ny = 2");
        runs_as_script("class C { async m() { return await this.n() } }\nfor (const k of [1]) { (async () => await k)() }");
        runs_as_script("class D { static { f(async () => { await (g) }) } x = async () => await (y) }");
    }

    #[test]
    fn a_top_level_await_with_no_space_before_it_makes_a_module() {
        // Was a script (no ` await ` or `=await ` in it), and so a SyntaxError.
        runs_as_marked_module("const p = Promise.resolve(5)\nconsole.log(await p)");
        runs_as_marked_module("const x = await f()\nconsole.log(x)");
        runs_as_marked_module("await f()");
        runs_as_marked_module("const all = [await a(),await b()]");
        runs_as_marked_module("console.log(`${await p}`)");
        runs_as_marked_module("for await (const chunk of stream()) console.log(chunk)");
        runs_as_marked_module("if (ready) {\n  const r = await go()\n}");
    }

    #[test]
    fn an_await_a_script_would_take_for_a_name_makes_a_module() {
        // Valid scripts that call, index or divide a variable named `await`.
        runs_as_marked_module("console.log(await (async () => 42)())");
        runs_as_marked_module("await (p)");
        runs_as_marked_module("const first = await [p][0]");
        runs_as_marked_module("await\nnext()");
        runs_as_marked_module("await /x/.test(s)");
        // A real sloppy variable named `await` cannot be in a module: a script.
        runs_as_script("var await = 4\nconsole.log(8 / await / 2)");
        runs_as_script("function await() {}\nawait(1)");
    }

    #[test]
    fn code_with_an_import_or_export_line_is_unchanged() {
        for module in [
            "import * as os from 'qjs:os'\nawait f()",
            "export const x = 1\nconst v = await Promise.resolve(41 + x)\nconsole.log(v)",
            "  import {a} from './a.js'\nconsole.log(a)",
            "await Promise.reject(new Error('nope'))\nexport {}",
            "\u{feff}import x from 'x'",
        ] {
            assert_eq!(goal(module), Goal::Module, "{module:?}");
            assert_eq!(entry(module.into()), module);
        }
    }

    #[test]
    fn a_module_the_driver_would_not_see_gets_the_marker() {
        runs_as_marked_module(";import x from 'x'\nconsole.log(x)");
        runs_as_marked_module("console.log(import.meta.url)");
        runs_as_marked_module("const v = 1; export default v");
    }

    #[test]
    fn a_syntax_error_is_unchanged() {
        for broken in ["console.log(await p", "let = ;", "await", "const x = await", "import x from", "<div/>", "}"] {
            runs_as_script(broken);
        }
    }

    #[test]
    fn the_word_await_in_a_string_comment_regex_or_template_stays_a_script() {
        runs_as_script("console.log('do not await me', \"await p\")");
        runs_as_script("// await this\nconsole.log(1) /* await\n that */");
        runs_as_script("const re = /await x/g\nconsole.log(re.test('await x'), 4 / 2 / 1)");
        runs_as_script("const s = `await ${1 + 1} await`\nconst t = String.raw`await\\n`");
        runs_as_script("const nested = `${`${'await'}`}`");
        runs_as_script("const o = { await: 1 }\nconsole.log(o.await)");
    }

    #[test]
    fn script_only_syntax_stays_a_script() {
        runs_as_script("with (Math) console.log(PI)");
        runs_as_script("var n = 010\n<!-- an HTML-like comment\nconsole.log(n)");
        runs_as_script("import('qjs:os').then((os) => console.log(typeof os.sleep))");
        runs_as_script("import ('qjs:os')");
        runs_as_script("#!/usr/bin/env qjs\nconsole.log(1)");
        runs_as_script("#!/usr/bin/env qjs\nasync function f() { await 1 }");
        runs_as_marked_module("#!/usr/bin/env qjs\nconsole.log(await 1)");
    }

    #[test]
    fn deep_nesting_is_parsed_on_a_stack_deep_enough_or_not_at_all() {
        // Would overflow a default 2 MiB thread stack, and so abort the process.
        let deep = |n: usize, inner: &str| format!("{}{inner}{}", "[".repeat(n), "]".repeat(n));
        runs_as_script(&deep(8_000, "1"));
        runs_as_marked_module(&format!("console.log({})", deep(8_000, "await 1")));
        // A valid script, so its module parse is searched for an `await`, as deep.
        runs_as_marked_module(&deep(8_000, "await (1)"));
        runs_as_script(&format!("async function f() {{ return {} }}", deep(8_000, "await (1)")));
        // Past what any stack here is given: left to QuickJS, which stops at its own limit.
        runs_as_script(&deep(1_000_000, "1"));
        runs_as_script(&"!".repeat(6 << 20));
    }

    #[test]
    fn the_nesting_bound_counts_tokens_at_most_and_at_least() {
        assert_eq!(nesting_bound("[[1]]"), 5);
        assert_eq!(nesting_bound("typeof  typeof x"), 3);
        assert_eq!(nesting_bound("f(a, b)\n"), 6);
        assert_eq!(nesting_bound("\u{e9}t\u{e9} = 1"), 5);
        assert_eq!(nesting_bound("typeof\u{a0}typeof\u{a0}x"), 5);
        assert_eq!(nesting_bound(" \t\n"), 0);
    }

    #[test]
    fn the_driver_module_test_is_the_drivers() {
        assert!(driver_sees_module("import x from 'x'"));
        assert!(driver_sees_module("x\n\texport{a}"));
        assert!(driver_sees_module("import*as m from 'm'"));
        assert!(driver_sees_module("import'side-effect'"));
        assert!(driver_sees_module("export default 1"));
        assert!(!driver_sees_module("import('x')"));
        assert!(!driver_sees_module("import \t('x')"));
        assert!(!driver_sees_module("import.meta"));
        assert!(!driver_sees_module("exports.x = 1"));
        assert!(!driver_sees_module("export"));
        assert!(!driver_sees_module(";import x from 'x'"));
        assert!(!driver_sees_module("\rimport x from 'x'"));
    }
}
