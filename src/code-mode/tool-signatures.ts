/**
 * Code mode's signatures: how a tool looks to the model that writes code against it, generated from its JSON
 * Schemas — a TypeScript one (`await tools.getWeather({ city: string }): unknown`) and a Python one
 * (`tools.getWeather(city: str)`). Compact by design: nested objects past a few levels become `object`/`dict`,
 * and long descriptions are cut.
 */
import { PYTHON_KEYWORDS } from '../generated/core-facts.js'
import {
  isPlainObject,
  isSchemaObject,
  requiredNames,
  resolveRef,
  rootObjectSchema,
  typeNames,
  unionMembers,
  type JsonSchema,
} from './json-schema.js'

/** What a signature is made from: the tool's name, description and schemas (see `CodeModeToolInfo`). */
export interface SignatureSource {
  /** The name the code calls it by. */
  readonly name: string
  /** What it does. */
  readonly description?: string
  /** The JSON Schema of its one argument object; undefined when unknown. */
  readonly inputJsonSchema?: JsonSchema
  /** The JSON Schema of its result; undefined when unknown. */
  readonly outputJsonSchema?: JsonSchema
}

/** How deep nested objects are spelled out before they become `object` (TypeScript) or `dict` (Python). */
const MAX_DEPTH = 3
/** Longest tool description kept in a signature line. */
const MAX_DESCRIPTION = 200
/** Longest argument description kept (as a `/* … *\/` comment). */
const MAX_ARGUMENT_DESCRIPTION = 80

/** Python's keywords (the core's list): not usable as keyword-argument names (nor as `tools.NAME`). */
const PYTHON_KEYWORD_SET: ReadonlySet<string> = new Set(PYTHON_KEYWORDS)

interface Context {
  /** The schema `$ref`s resolve in. */
  root: unknown
  /** `integer` for JSON Schema's integer instead of TypeScript's `number` (error messages). */
  integers?: boolean
}

/**
 * A schema as a TypeScript type: `string`, `'c' | 'f'`, `{ city: string, days?: number }`, `string[]`,
 * `Record<string, number>`; `unknown` where the schema does not constrain. `root` is where `$ref`s resolve.
 */
export function typeScriptType(schema: unknown, root: unknown = schema, options: { integers?: boolean } = {}): string {
  return tsType(schema, { root, integers: options.integers }, 0)
}

function tsType(schema: unknown, ctx: Context, depth: number): string {
  if (schema === false) return 'never'
  if (!isSchemaObject(schema)) return 'unknown'
  if (schema.$ref !== undefined) return depth < MAX_DEPTH ? tsType(resolveRef(schema.$ref, ctx.root), ctx, depth + 1) : 'object'
  if ('const' in schema) return tsLiteral(schema.const)
  if (Array.isArray(schema.enum)) return union(schema.enum.map(tsLiteral), 'unknown')
  const members = unionMembers(schema)
  if (members) return union(members.map((member) => tsType(member, ctx, depth)), 'unknown')
  if (Array.isArray(schema.allOf)) {
    const parts = [...new Set(schema.allOf.map((member) => tsType(member, ctx, depth)))].filter((part) => part !== 'unknown')
    return parts.length === 0 ? 'unknown' : parts.map((part) => wrap(part)).join(' & ')
  }
  const types = impliedTypes(schema)
  if (types.length === 0) return 'unknown'
  return union(types.map((type) => tsSingle(type, schema, ctx, depth)), 'unknown')
}

function tsSingle(type: string, schema: JsonSchema, ctx: Context, depth: number): string {
  switch (type) {
    case 'string':
    case 'boolean':
    case 'null':
      return type
    case 'number':
      return 'number'
    case 'integer':
      return ctx.integers ? 'integer' : 'number'
    case 'array': {
      if (Array.isArray(schema.prefixItems)) return `[${schema.prefixItems.map((item) => tsType(item, ctx, depth + 1)).join(', ')}]`
      if (Array.isArray(schema.items)) return `[${schema.items.map((item) => tsType(item, ctx, depth + 1)).join(', ')}]`
      return schema.items === undefined ? 'unknown[]' : `${wrap(tsType(schema.items, ctx, depth + 1))}[]`
    }
    case 'object':
      return tsObject(schema, ctx, depth, false)
    default:
      return 'unknown'
  }
}

/** `{ a: T, b?: U }`, `Record<string, T>` or `object`; with `comments`, each property's description after it. */
function tsObject(schema: JsonSchema, ctx: Context, depth: number, comments: boolean): string {
  const properties = isPlainObject(schema.properties) ? Object.entries(schema.properties) : []
  if (properties.length > 0) {
    if (depth >= MAX_DEPTH) return 'object'
    const required = new Set(requiredNames(schema))
    const fields = properties.map(([key, value]) => {
      const note = comments && isSchemaObject(value) ? describeArgument(value.description) : ''
      return `${tsKey(key)}${required.has(key) ? '' : '?'}: ${tsType(value, ctx, depth + 1)}${note}`
    })
    return `{ ${fields.join(', ')} }`
  }
  if (isSchemaObject(schema.additionalProperties)) return `Record<string, ${tsType(schema.additionalProperties, ctx, depth + 1)}>`
  return schema.additionalProperties === false ? '{}' : 'object'
}

/**
 * A schema as a Python type hint: `str`, `int`, `float`, `bool`, `None`, `list[str]`, `dict`, `dict[str, int]`,
 * `Literal['c', 'f']`, unions with `|`; `Any` where the schema does not constrain.
 */
export function pythonType(schema: unknown, root: unknown = schema): string {
  return pyType(schema, { root }, 0)
}

function pyType(schema: unknown, ctx: Context, depth: number): string {
  if (!isSchemaObject(schema)) return 'Any'
  if (schema.$ref !== undefined) return depth < MAX_DEPTH ? pyType(resolveRef(schema.$ref, ctx.root), ctx, depth + 1) : 'dict'
  if ('const' in schema) return schema.const === null ? 'None' : `Literal[${pyLiteral(schema.const)}]`
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter((value) => value !== null)
    const literal = values.length > 0 ? [`Literal[${values.map(pyLiteral).join(', ')}]`] : []
    return union([...literal, ...(schema.enum.includes(null) ? ['None'] : [])], 'Any')
  }
  const members = unionMembers(schema)
  if (members) return union(members.map((member) => pyType(member, ctx, depth)), 'Any')
  if (Array.isArray(schema.allOf)) return schema.allOf.length === 1 ? pyType(schema.allOf[0], ctx, depth) : 'dict'
  const types = impliedTypes(schema)
  if (types.length === 0) return 'Any'
  return union(
    types.map((type) => {
      switch (type) {
        case 'string':
          return 'str'
        case 'integer':
          return 'int'
        case 'number':
          return 'float'
        case 'boolean':
          return 'bool'
        case 'null':
          return 'None'
        case 'array':
          if (Array.isArray(schema.prefixItems) || Array.isArray(schema.items)) return 'list'
          return schema.items === undefined ? 'list' : `list[${pyType(schema.items, ctx, depth + 1)}]`
        case 'object':
          return isSchemaObject(schema.additionalProperties) && !isPlainObject(schema.properties)
            ? `dict[str, ${pyType(schema.additionalProperties, ctx, depth + 1)}]`
            : 'dict'
        default:
          return 'Any'
      }
    }),
    'Any',
  )
}

/**
 * The TypeScript signature of a call from JavaScript: `await tools.getWeather({ city: string }): unknown`, each
 * argument's description as a comment after it. An unknown schema is `args?: object`; an object schema without
 * properties `()` (or `args: Record<string, T>` when it types any names).
 */
export function typeScriptSignature(tool: SignatureSource): string {
  const ctx: Context = { root: tool.inputJsonSchema }
  const schema = rootObjectSchema(tool.inputJsonSchema)
  let parameters: string
  if (schema === undefined) {
    parameters = 'args?: object'
  } else if (isObjectSchema(schema) && !hasProperties(schema)) {
    // No named arguments: none at all, or any names with one type.
    parameters = isSchemaObject(schema.additionalProperties) ? `args: ${tsObject(schema, ctx, 0, false)}` : ''
  } else if (isObjectSchema(schema)) {
    parameters = tsObject(schema, ctx, 0, true)
  } else {
    parameters = `args: ${tsType(schema, ctx, 0)}`
  }
  const result = tool.outputJsonSchema === undefined ? 'unknown' : typeScriptType(tool.outputJsonSchema)
  return `await tools.${tool.name}(${parameters}): ${result}`
}

/**
 * The Python signature of a call: `tools.getWeather(city: str, units: Literal['c', 'f'] = None) -> dict` —
 * keyword arguments, the required ones first, an optional one `= None` (a `None` for an optional argument is
 * taken as leaving it out). When an argument's name cannot be a keyword argument, the call takes one dict:
 * `tools.lookup({'first-name': str})`. An unknown schema is `**kwargs`; an object schema without properties `()`.
 */
export function pythonSignature(tool: SignatureSource): string {
  const ctx: Context = { root: tool.inputJsonSchema }
  const schema = rootObjectSchema(tool.inputJsonSchema)
  let parameters: string
  if (schema === undefined || !isObjectSchema(schema)) {
    parameters = '**kwargs'
  } else if (!hasProperties(schema)) {
    parameters = isSchemaObject(schema.additionalProperties) ? `**kwargs: ${pyType(schema.additionalProperties, ctx, 1)}` : ''
  } else {
    const required = new Set(requiredNames(schema))
    const entries = Object.entries(schema.properties as Record<string, unknown>)
    if (entries.every(([key]) => isPythonIdentifier(key))) {
      const ordered = [...entries.filter(([key]) => required.has(key)), ...entries.filter(([key]) => !required.has(key))]
      parameters = ordered.map(([key, value]) => `${key}: ${pyType(value, ctx, 1)}${required.has(key) ? '' : ' = None'}`).join(', ')
    } else {
      parameters = `{${entries.map(([key, value]) => `${pyLiteral(key)}: ${pyType(value, ctx, 1)}`).join(', ')}}`
    }
  }
  const result = tool.outputJsonSchema === undefined ? '' : ` -> ${pythonType(tool.outputJsonSchema)}`
  return `tools.${tool.name}(${parameters})${result}`
}

/**
 * The lines that list the tools in a description: for each, its JavaScript signature and description, then its
 * Python signature.
 */
export function describeCodeModeTools(tools: readonly SignatureSource[]): string[] {
  return tools.flatMap((tool) => {
    const description = shorten(tool.description, MAX_DESCRIPTION)
    return [`- ${typeScriptSignature(tool)}${description ? ` — ${description}` : ''}`, `  python: ${pythonSignature(tool)}`]
  })
}

/** Whether `name` can be a keyword argument (or an attribute) in Python: an identifier that is not a keyword. */
export function isPythonIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORD_SET.has(name)
}

function isObjectSchema(schema: JsonSchema): boolean {
  const types = typeNames(schema)
  return types.length === 0 ? schema.properties !== undefined || schema.additionalProperties !== undefined : types.includes('object')
}

function hasProperties(schema: JsonSchema): boolean {
  return isPlainObject(schema.properties) && Object.keys(schema.properties).length > 0
}

/** The types a schema allows: its `type`, else `object` with `properties`, `array` with `items`. */
function impliedTypes(schema: JsonSchema): string[] {
  const types = typeNames(schema)
  if (types.length > 0) return types
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return ['object']
  if (schema.items !== undefined || schema.prefixItems !== undefined) return ['array']
  return []
}

/** A union of distinct parts; `any` (the unconstrained type) absorbs the rest. */
function union(parts: readonly string[], any: string): string {
  const distinct = [...new Set(parts)]
  if (distinct.length === 0 || distinct.includes(any)) return any
  return distinct.join(' | ')
}

/** Parentheses around a union or intersection that becomes an array's element type. */
function wrap(type: string): string {
  return / [|&] /.test(type) ? `(${type})` : type
}

function tsKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key)
}

// A string literal is JSON's: every JSON string is a valid TypeScript and Python string literal too (quotes,
// backslashes, newlines and control characters escaped), so neither language needs an escaper of its own.
function tsLiteral(value: unknown): string {
  return JSON.stringify(value) ?? 'unknown'
}

function pyLiteral(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (value === null) return 'None'
  return JSON.stringify(value) ?? 'None'
}

function describeArgument(description: unknown): string {
  const text = shorten(description, MAX_ARGUMENT_DESCRIPTION).replace(/\*\//g, '* /')
  return text ? ` /* ${text} */` : ''
}

/** A description on one line, at most `max` characters (cut with `…`); empty when there is none. */
function shorten(text: unknown, max: number): string {
  if (typeof text !== 'string') return ''
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line
}
