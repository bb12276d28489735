/**
 * JSON Schema as code mode reads it: the type of a schema object and the few walks the signatures and the
 * argument checks need ($ref, "does it accept null", "the schema at this path"). Not a validator: checking a
 * value against a schema is zod's job (`src/code-mode/tool-arguments.ts`).
 */

/**
 * A JSON Schema (draft 7 or 2020-12) object; only the keywords code mode reads are typed. A sub-schema may also
 * be `true`/`false` (boolean schemas), so every walk checks with {@link isSchemaObject}.
 */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, unknown>
  required?: unknown
  items?: unknown
  prefixItems?: unknown
  additionalProperties?: unknown
  enum?: unknown
  const?: unknown
  anyOf?: unknown
  oneOf?: unknown
  allOf?: unknown
  $ref?: unknown
  $defs?: Record<string, unknown>
  definitions?: Record<string, unknown>
  description?: unknown
  nullable?: unknown
  [keyword: string]: unknown
}

/** Whether `value` is a schema object (not a boolean schema, an array or null). */
export function isSchemaObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Whether `value` is a plain object (a JSON object): not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The schema a local `$ref` (`#/$defs/X`, `#/definitions/X`, `#`) points at in `root`; undefined for any other. */
export function resolveRef(ref: unknown, root: unknown): unknown {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined
  let node: unknown = root
  for (const raw of ref.slice(1).split('/').filter((part) => part.length > 0)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (!isPlainObject(node) || !Object.hasOwn(node, part)) return undefined
    node = node[part]
  }
  return node
}

/** The members of an `anyOf`/`oneOf`, or undefined. */
export function unionMembers(schema: JsonSchema): unknown[] | undefined {
  if (Array.isArray(schema.anyOf)) return schema.anyOf
  if (Array.isArray(schema.oneOf)) return schema.oneOf
  return undefined
}

/** The names in a schema's `required`, as strings. */
export function requiredNames(schema: JsonSchema): string[] {
  return Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []
}

/** The `type` keyword as a list (`'string'` → `['string']`), empty when absent. */
export function typeNames(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type.filter((type): type is string => typeof type === 'string')
  return typeof schema.type === 'string' ? [schema.type] : []
}

/**
 * Whether the schema accepts `null`: `type: 'null'` (alone or among types), `null` among `enum`/`const`, a union
 * with a member that does, OpenAPI's `nullable: true`, or no constraint on the type at all (`{}`, `true`).
 */
export function acceptsNull(schema: unknown, root: unknown, depth = 0): boolean {
  if (schema === true || schema === undefined) return true
  if (!isSchemaObject(schema) || depth > 8) return false
  if (schema.$ref !== undefined) return acceptsNull(resolveRef(schema.$ref, root), root, depth + 1)
  if (schema.nullable === true) return true
  if ('const' in schema) return schema.const === null
  if (Array.isArray(schema.enum)) return schema.enum.includes(null)
  const members = unionMembers(schema)
  if (members) return members.some((member) => acceptsNull(member, root, depth + 1))
  if (Array.isArray(schema.allOf)) return schema.allOf.every((member) => acceptsNull(member, root, depth + 1))
  const types = typeNames(schema)
  if (types.length > 0) return types.includes('null')
  return schema.properties === undefined && schema.items === undefined
}

/**
 * The sub-schema that describes the value at `path` (object keys and array indexes), following `$ref`s,
 * `properties`, `additionalProperties`, `items`/`prefixItems` and the first union member that has it;
 * undefined when the schema does not say.
 */
export function schemaAt(schema: unknown, path: readonly PropertyKey[], root: unknown): unknown {
  let node: unknown = schema
  for (const key of path) {
    node = childSchema(node, key, root, 0)
    if (node === undefined) return undefined
  }
  return isSchemaObject(node) && node.$ref !== undefined ? resolveRef(node.$ref, root) : node
}

function childSchema(node: unknown, key: PropertyKey, root: unknown, depth: number): unknown {
  if (!isSchemaObject(node) || depth > 8) return undefined
  if (node.$ref !== undefined) return childSchema(resolveRef(node.$ref, root), key, root, depth + 1)
  if (typeof key === 'number') {
    if (Array.isArray(node.prefixItems) && key < node.prefixItems.length) return node.prefixItems[key]
    if (Array.isArray(node.items)) return node.items[key]
    if (node.items !== undefined) return node.items
  } else if (typeof key === 'string') {
    if (isPlainObject(node.properties) && Object.hasOwn(node.properties, key)) return node.properties[key]
    if (isSchemaObject(node.additionalProperties)) return node.additionalProperties
  }
  for (const member of [...(unionMembers(node) ?? []), ...(Array.isArray(node.allOf) ? node.allOf : [])]) {
    const found = childSchema(member, key, root, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}

/** The object schema at the root (after a `$ref`), or undefined when the root is not one. */
export function rootObjectSchema(schema: unknown): JsonSchema | undefined {
  const node = isSchemaObject(schema) && schema.$ref !== undefined ? resolveRef(schema.$ref, schema) : schema
  return isSchemaObject(node) ? node : undefined
}
