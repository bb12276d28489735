/**
 * The code and the names of `@cloudflare/codemode`, as its executors take them: the code a model wrote,
 * made into one function expression to call ({@link normalizeCode}), and tool names made into the identifiers
 * the code calls them by ({@link sanitizeToolName}). Codemode's own executors do both; `codeMcpServer` hands
 * an executor the model's code as it is, so an executor must. Written to codemode's documented behaviour (its
 * `normalizeCode` and `sanitizeToolName`, which `__test__/codemode-code.test.ts` compares with these), for Node,
 * where `@cloudflare/codemode`'s main entry cannot be imported (it imports `cloudflare:workers`).
 */
import { parse, type Expression, type Node } from 'acorn'

/**
 * Words a JavaScript identifier cannot be, or should not be (`eval`, `arguments`, `undefined`, the future
 * reserved words of older editions): a tool name that is one of them gets a `_` appended, as codemode does.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'abstract arguments await boolean break byte case catch char class const continue debugger default delete do ' +
    'double else enum eval export extends false final finally float for function goto if implements import in ' +
    'instanceof int interface let long native new null package private protected public return short static super ' +
    'switch synchronized this throw throws transient true try typeof undefined var void volatile while with yield'
  ).split(' '),
)

/** Whether `name` is an identifier the code can write: ASCII letters, digits, `_` and `$`, not starting with a digit. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)
}

/**
 * The identifier the code calls a tool by, as codemode makes it (and so as its generated types name it):
 * `-`, `.` and whitespace become `_`, other characters that are not letters, digits, `_` or `$` are dropped,
 * a leading digit gets a `_` before it and a reserved word a `_` after it (`get-weather` → `get_weather`,
 * `3d-render` → `_3d_render`, `delete` → `delete_`); nothing left is `_`.
 */
export function sanitizeToolName(name: string): string {
  const kept = name.replace(/[-.\s]/g, '_').replace(/[^A-Za-z0-9_$]/g, '')
  if (kept === '') return '_'
  const leading = /^[0-9]/.test(kept) ? `_${kept}` : kept
  return RESERVED_WORDS.has(leading) ? `${leading}_` : leading
}

/**
 * The model's code as one function expression to call: what codemode's tool description asks for
 * (`async () => { … }`) is taken as it is; anything else is made into an async arrow function — code in a
 * Markdown fence is taken out of it, a lone function declaration is called, `export default` is taken away,
 * and a body whose last statement is an expression returns that expression (`const x = 1\nx * 2` returns 2).
 * Code that does not parse is wrapped as it is, so the sandbox reports its syntax error.
 */
export function normalizeCode(code: string): string {
  const source = withoutFence(code.trim()).trim()
  if (source === '') return 'async () => {}'
  let body: Node[]
  try {
    body = parse(source, { ecmaVersion: 'latest', sourceType: 'module' }).body
  } catch {
    return asyncBody(source)
  }
  const only = body.length === 1 ? body[0] : undefined
  if (only?.type === 'ExpressionStatement' && isFunctionExpression((only as Node & { expression: Expression }).expression)) return source
  if (only?.type === 'ExportDefaultDeclaration') {
    const declaration = (only as Node & { declaration: Node }).declaration
    const inner = source.slice(declaration.start, declaration.end)
    // `export default function () {}` or `async function main() {}`: in parentheses it is a function expression.
    if (declaration.type === 'FunctionDeclaration') return `(${inner})`
    if (declaration.type === 'ClassDeclaration') return asyncBody(`return (${inner});`)
    return normalizeCode(inner)
  }
  if (only?.type === 'FunctionDeclaration') {
    const name = (only as Node & { id: { name: string } }).id.name
    return asyncBody(`${source}\nreturn ${name}();`)
  }
  const last = body[body.length - 1]
  if (last?.type === 'ExpressionStatement') {
    const expression = (last as Node & { expression: Expression }).expression
    return asyncBody(`${source.slice(0, last.start)}return (${source.slice(expression.start, expression.end)});`)
  }
  return asyncBody(source)
}

/** `code` out of a Markdown code fence (```` ```js ```` … ```` ``` ````) that holds all of it; else as it is. */
function withoutFence(code: string): string {
  const fenced = /^```[\w+-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/.exec(code)
  return fenced ? fenced[1] : code
}

function asyncBody(statements: string): string {
  return `async () => {\n${statements}\n}`
}

function isFunctionExpression(expression: Expression): boolean {
  return expression.type === 'ArrowFunctionExpression' || expression.type === 'FunctionExpression'
}
