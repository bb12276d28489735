/**
 * A code-mode tool's arguments: the schema of its one argument object, as JSON Schema (for the signatures the
 * model reads) and as a check made before the tool runs, whose error names the argument that is wrong.
 *
 * Every kind of schema the supported frameworks use is taken: zod 4 (checked with `safeParseAsync`, converted
 * with `z.toJSONSchema`), zod 3 and other objects with `safeParseAsync`/`safeParse`, Standard Schema (valibot,
 * ArkType…; converted where it implements Standard JSON Schema), the AI SDK's `jsonSchema()`/`zodSchema()`
 * wrappers (its `validate` when it has one), and plain JSON Schema objects — checked with zod 4's
 * `z.fromJSONSchema`, or, for a schema it cannot convert, by a structural check of the required arguments and
 * the primitive types of the top-level ones.
 */
import { z } from 'zod'

import { InvalidConfigError, errorMessageOf } from '../errors.js'
import {
  acceptsNull,
  isPlainObject,
  isSchemaObject,
  requiredNames,
  rootObjectSchema,
  schemaAt,
  typeNames,
  type JsonSchema,
} from './json-schema.js'
import { typeScriptType } from './tool-signatures.js'

/** The arguments a tool was called with did not match its schema; the message names each wrong argument. */
export class ToolArgumentsError extends Error {
  /** One line per problem: `city: expected string, got 3`. */
  readonly problems: readonly string[]

  constructor(toolName: string, problems: readonly string[]) {
    super(`Invalid arguments for tools.${toolName}: ${problems.join('; ')}. The tool did not run.`)
    this.name = 'ToolArgumentsError'
    this.problems = problems
  }
}

/** What a tool is given after its check: the arguments as called and, where the schema parses, its output. */
export interface CheckedArguments {
  /** The arguments as the code passed them, less the `null`s of optional arguments (Python's `= None`). */
  args: unknown
  /** What the schema made of them (defaults, transforms) where it parses (zod, Standard Schema); else `args`. */
  parsed: unknown
}

/** A tool's argument schema, ready to describe and to check. */
export interface ArgumentSchema {
  /** The JSON Schema of the argument object; undefined when there is none or it cannot be had. */
  readonly jsonSchema: JsonSchema | undefined
  /**
   * Checks `args` for the tool `toolName`. An optional argument given as `null` whose schema does not accept
   * `null` is left out first (so Python's `units=None` means "not given"). Rejects with {@link ToolArgumentsError}.
   */
  check(toolName: string, args: unknown): Promise<CheckedArguments>
}

/** How a schema's own check reports: a value, or issues in zod's shape (path and message). */
type Outcome = { ok: true; value: unknown } | { ok: false; issues: readonly Issue[] }

/** A problem as zod (3 or 4), Standard Schema or the structural check reports it. */
interface Issue {
  code?: string
  path?: readonly unknown[]
  message?: string
  keys?: readonly string[]
}

/** Options of {@link argumentSchemaOf}. */
export interface ArgumentSchemaOptions {
  /** Converts a schema this module cannot (a zod 3 schema from LangChain, say) to JSON Schema. */
  toJsonSchema?: (schema: unknown) => unknown
  /** Where the schema came from, for errors: `tools.lookup.inputSchema`. */
  label?: string
}

/**
 * The {@link ArgumentSchema} of a zod schema, a Standard Schema, an AI SDK schema or a JSON Schema object;
 * `undefined` means any arguments. Throws {@link InvalidConfigError} for anything else.
 */
export function argumentSchemaOf(schema: unknown, options: ArgumentSchemaOptions = {}): ArgumentSchema {
  const label = options.label ?? 'inputSchema'
  if (schema === undefined || schema === null) return { jsonSchema: undefined, check: async (_name, args) => ({ args, parsed: args }) }
  // The AI SDK's lazySchema(): a function that makes the schema.
  if (typeof schema === 'function' && !isZodLike(schema)) return argumentSchemaOf((schema as () => unknown)(), options)
  if (typeof schema !== 'object') throw new InvalidConfigError(`${label} must be a zod schema, a Standard Schema or a JSON Schema object, got ${typeof schema}`)

  if (isAiSdkSchema(schema)) {
    const declared = readJsonSchema(schema)
    const validate = (schema as { validate?: unknown }).validate
    if (typeof validate === 'function') {
      return withSchema(isThenable(declared) ? undefined : jsonObject(declared), async (args) => {
        const result = (await validate.call(schema, args)) as { success: boolean; value?: unknown; error?: unknown }
        return result.success ? { ok: true, value: result.value } : { ok: false, issues: issuesOfError(result.error) }
      })
    }
    if (isThenable(declared)) {
      // A JSON Schema the AI SDK resolves later: no signature, a check once it is there.
      let check: Promise<(args: unknown) => Promise<Outcome>> | undefined
      return withSchema(undefined, async (args) => (await (check ??= Promise.resolve(declared).then((json) => jsonSchemaCheck(jsonObject(json) ?? {}))))(args))
    }
    const json = jsonObject(declared) ?? {}
    return withSchema(json, jsonSchemaCheck(json))
  }

  if (isZod4(schema)) {
    return withSchema(jsonSchemaOf(() => z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }), options, schema), zodCheck(schema))
  }
  if (isZodLike(schema)) return withSchema(jsonSchemaOf(() => standardJsonSchema(schema), options, schema), zodCheck(schema))
  if (isStandardSchema(schema)) return withSchema(jsonSchemaOf(() => standardJsonSchema(schema), options, schema), standardCheck(schema))
  // A plain JSON Schema object.
  return withSchema(schema as JsonSchema, jsonSchemaCheck(schema as JsonSchema))
}

/** The schema with its check, the `null`s of optional arguments left out first, issues made into one error. */
function withSchema(jsonSchema: JsonSchema | undefined, validate: (args: unknown) => Promise<Outcome>): ArgumentSchema {
  return {
    jsonSchema,
    async check(toolName, raw) {
      const args = withoutOptionalNulls(raw, jsonSchema)
      let outcome: Outcome
      try {
        outcome = await validate(args)
      } catch (error) {
        outcome = { ok: false, issues: [{ message: errorMessageOf(error) }] }
      }
      if (!outcome.ok) throw new ToolArgumentsError(toolName, describeIssues(outcome.issues, args, jsonSchema))
      return { args, parsed: outcome.value }
    },
  }
}

/**
 * `args` less its optional properties that are `null` where the property's schema does not accept `null`:
 * Python's `tools.f(units=None)` and an omitted `units` mean the same.
 */
export function withoutOptionalNulls(args: unknown, jsonSchema: JsonSchema | undefined): unknown {
  const schema = rootObjectSchema(jsonSchema)
  if (!isPlainObject(args) || schema === undefined || !isPlainObject(schema.properties)) return args
  const properties = schema.properties
  const required = new Set(requiredNames(schema))
  let result: Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(args)) {
    if (value !== null || required.has(key) || !Object.hasOwn(properties, key)) continue
    if (acceptsNull(properties[key], jsonSchema)) continue
    result ??= { ...args }
    delete result[key]
  }
  return result ?? args
}

function zodCheck(schema: object): (args: unknown) => Promise<Outcome> {
  const parser = schema as {
    safeParseAsync?: (value: unknown) => Promise<{ success: boolean; data?: unknown; error?: unknown }>
    safeParse?: (value: unknown) => { success: boolean; data?: unknown; error?: unknown }
  }
  return async (args) => {
    const result = typeof parser.safeParseAsync === 'function' ? await parser.safeParseAsync(args) : parser.safeParse!(args)
    return result.success ? { ok: true, value: result.data } : { ok: false, issues: issuesOfError(result.error) }
  }
}

function standardCheck(schema: object): (args: unknown) => Promise<Outcome> {
  const standard = (schema as { '~standard': { validate: (value: unknown) => unknown } })['~standard']
  return async (args) => {
    const result = (await standard.validate(args)) as { value?: unknown; issues?: readonly { message: string; path?: readonly unknown[] }[] }
    if (!result.issues) return { ok: true, value: result.value }
    return {
      ok: false,
      issues: result.issues.map((issue) => ({
        message: issue.message,
        path: (issue.path ?? []).map((segment) => (isPlainObject(segment) && 'key' in segment ? segment.key : segment)),
      })),
    }
  }
}

/**
 * The check of a JSON Schema object: `z.fromJSONSchema` (zod ≥ 4.2), the arguments passed on as they are (no
 * defaults applied); for a schema it cannot convert, {@link structuralIssues}.
 */
function jsonSchemaCheck(schema: JsonSchema): (args: unknown) => Promise<Outcome> {
  const fromJSONSchema = (z as { fromJSONSchema?: (schema: unknown) => z.ZodType }).fromJSONSchema
  let converted: z.ZodType | undefined
  if (typeof fromJSONSchema === 'function') {
    try {
      converted = fromJSONSchema(schema)
    } catch {
      converted = undefined
    }
  }
  return async (args) => {
    if (converted) {
      const result = await converted.safeParseAsync(args)
      return result.success ? { ok: true, value: args } : { ok: false, issues: result.error.issues as readonly Issue[] }
    }
    const issues = structuralIssues(schema, args)
    return issues.length === 0 ? { ok: true, value: args } : { ok: false, issues }
  }
}

/**
 * The fallback check of a JSON Schema: the arguments are an object (when the schema says so), every required
 * argument is there, and each top-level argument has one of the primitive types its schema names.
 */
export function structuralIssues(jsonSchema: JsonSchema, args: unknown): Issue[] {
  const schema = rootObjectSchema(jsonSchema) ?? {}
  if (!hasType(typeNames(schema), args)) return [{ code: 'invalid_type', path: [] }]
  if (!isPlainObject(args)) return []
  const issues: Issue[] = requiredNames(schema)
    .filter((key) => !Object.hasOwn(args, key))
    .map((key) => ({ code: 'invalid_type', path: [key] }))
  const properties = isPlainObject(schema.properties) ? schema.properties : {}
  for (const [key, value] of Object.entries(args)) {
    const property = properties[key]
    if (Object.hasOwn(properties, key) && isSchemaObject(property) && !hasType(typeNames(property), value)) {
      issues.push({ code: 'invalid_type', path: [key] })
    } else if (!Object.hasOwn(properties, key) && schema.additionalProperties === false) {
      issues.push({ code: 'unrecognized_keys', path: [], keys: [key] })
    }
  }
  return issues
}

/** Whether `value` has one of `types` (JSON Schema's names); true when none are named. */
function hasType(types: readonly string[], value: unknown): boolean {
  if (types.length === 0) return true
  return types.some((type) => {
    switch (type) {
      case 'string':
        return typeof value === 'string'
      case 'number':
        return typeof value === 'number' && Number.isFinite(value)
      case 'integer':
        return Number.isInteger(value)
      case 'boolean':
        return typeof value === 'boolean'
      case 'null':
        return value === null
      case 'array':
        return Array.isArray(value)
      case 'object':
        return isPlainObject(value)
      default:
        return true
    }
  })
}

/** One line per issue, naming the argument: `city: expected string, got 3`, `units: missing (expected 'c' | 'f')`. */
export function describeIssues(issues: readonly Issue[], args: unknown, jsonSchema: JsonSchema | undefined): string[] {
  const lines = issues.flatMap((issue) => describeIssue(issue, args, jsonSchema))
  return lines.length > 0 ? [...new Set(lines)] : ['the arguments do not match the schema']
}

/** Issue codes that mean "not the expected type or value", for which the expected type is spelled out. */
const TYPE_CODES = new Set(['invalid_type', 'invalid_union', 'invalid_value', 'invalid_enum_value', 'invalid_literal', 'invalid_union_discriminator'])

function describeIssue(issue: Issue, args: unknown, jsonSchema: JsonSchema | undefined): string[] {
  const path = (issue.path ?? []).filter((segment): segment is string | number => typeof segment === 'string' || typeof segment === 'number')
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return issue.keys.map((key) => `${pathText([...path, key])}: not an argument ${path.length === 0 ? 'this tool takes' : 'of this object'}`)
  }
  const where = pathText(path) || 'the arguments'
  const { found, value } = valueAt(args, path)
  const message = (issue.message ?? '').replace(/^Invalid (input|option): /, '')
  if (issue.code !== undefined && TYPE_CODES.has(issue.code)) {
    const schema = jsonSchema === undefined ? undefined : schemaAt(jsonSchema, path, jsonSchema)
    const expected = schema === undefined ? undefined : typeScriptType(schema, jsonSchema, { integers: true })
    if (!found) return [`${where}: missing${expected ? ` (expected ${expected})` : ''}`]
    if (expected !== undefined && expected !== 'unknown') return [`${where}: expected ${expected}, got ${preview(value)}`]
  }
  return [`${where}: ${message || 'invalid'}`]
}

/** `city`, `loc.lat`, `tags[0]`; empty for the root. */
function pathText(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '')
}

function valueAt(args: unknown, path: readonly (string | number)[]): { found: boolean; value: unknown } {
  let node = args
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return { found: false, value: undefined }
    node = (node as Record<string | number, unknown>)[segment]
  }
  return { found: node !== undefined, value: node }
}

/** A value as the message shows it: JSON, at most 40 characters. */
function preview(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

/** The issues of a thrown or returned validation error: zod's (also as a `cause`), else its message. */
function issuesOfError(error: unknown): Issue[] {
  for (const candidate of [error, (error as { cause?: unknown } | null)?.cause]) {
    const issues = (candidate as { issues?: unknown } | null)?.issues
    if (Array.isArray(issues)) return issues as Issue[]
  }
  return [{ message: errorMessageOf(error) }]
}

function jsonSchemaOf(convert: () => unknown, options: ArgumentSchemaOptions, schema: unknown): JsonSchema | undefined {
  for (const attempt of [convert, options.toJsonSchema ? () => options.toJsonSchema!(schema) : undefined]) {
    if (!attempt) continue
    try {
      const json = jsonObject(attempt())
      if (json !== undefined) return json
    } catch {
      // Not convertible this way; the signature is then generic, and the check is the schema's own.
    }
  }
  return undefined
}

/** The Standard JSON Schema of a schema that implements it (zod ≥ 4.2, others), for its input. */
function standardJsonSchema(schema: object): unknown {
  const converter = (schema as { '~standard'?: { jsonSchema?: { input?: (options: { target: string }) => unknown } } })['~standard']?.jsonSchema
  return typeof converter?.input === 'function' ? converter.input({ target: 'draft-2020-12' }) : undefined
}

/** An AI SDK schema's JSON Schema (a getter that may throw, or a promise). */
function readJsonSchema(schema: object): unknown {
  try {
    return (schema as { jsonSchema?: unknown }).jsonSchema
  } catch {
    return undefined
  }
}

function jsonObject(value: unknown): JsonSchema | undefined {
  return isSchemaObject(value) ? value : undefined
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
}

/** The AI SDK marks its schemas (`jsonSchema()`, `zodSchema()`, `asSchema()`) with this symbol. */
const AI_SDK_SCHEMA = Symbol.for('vercel.ai.schema')

function isAiSdkSchema(schema: object): boolean {
  return AI_SDK_SCHEMA in schema
}

function isZod4(schema: object): boolean {
  return '_zod' in schema && isZodLike(schema)
}

function isZodLike(schema: unknown): boolean {
  return (
    schema !== null &&
    (typeof schema === 'object' || typeof schema === 'function') &&
    (typeof (schema as { safeParseAsync?: unknown }).safeParseAsync === 'function' || typeof (schema as { safeParse?: unknown }).safeParse === 'function')
  )
}

function isStandardSchema(schema: object): boolean {
  const standard = (schema as { '~standard'?: { validate?: unknown } })['~standard']
  return typeof standard?.validate === 'function'
}
