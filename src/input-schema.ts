import { z } from 'zod'

import type { EnvironmentName, Language } from './execution-result.js'
import { LANGUAGES } from './generated/core-facts.js'

/** The input of one call: the code, and for the hyperlight environment the language it is written in. */
export interface CodeExecutionInput {
  /** The source code to run. */
  code: string
  /** `javascript`, `python` (default), `c` or `cpp`; hyperlight environment only. */
  language?: Language | null
  /** What the program reads on its standard input, then end of file. Default: nothing (end of file at once). */
  stdin?: string | null
}

/** The hyperlight environment's default language: what a call without `language` runs. */
export const DEFAULT_HYPERLIGHT_LANGUAGE: Language = 'python'

/** The hyperlight environment's languages (the core's `LANGUAGES`), the default first: the order the schema lists them. */
export const HYPERLIGHT_LANGUAGES = [DEFAULT_HYPERLIGHT_LANGUAGE, ...LANGUAGES.filter((l) => l !== DEFAULT_HYPERLIGHT_LANGUAGE)] as [
  Language,
  ...Language[],
]

const CODE_DESCRIPTIONS: Record<EnvironmentName, string> = {
  python: 'Complete Python 3 program to run. Print every value you want to see.',
  hyperlight:
    'Complete program to run, in the language given by `language`. Print every value you want to see. C and C++ need a main function.',
}

/** Describes the `language` field. */
export const LANGUAGE_DESCRIPTION =
  'Language of `code`: python (default), javascript (QuickJS, no Node.js APIs), c or cpp.'

/** Describes the `stdin` field. */
export const STDIN_DESCRIPTION =
  'Text the program reads on standard input (input(), sys.stdin, scanf, std::cin), then end of file. Default: none.'

/** The zod schema of the python environment's input: `{ code, stdin? }`. */
export type PythonInputSchema = z.ZodObject<{ code: z.ZodString; stdin: z.ZodOptional<z.ZodString> }>

/** The zod schema of the hyperlight environment's input: `{ code, language?, stdin? }`. */
export type HyperlightInputSchema = z.ZodObject<{
  code: z.ZodString
  language: z.ZodOptional<z.ZodEnum<{ [L in Language]: L }>>
  stdin: z.ZodOptional<z.ZodString>
}>

/** The zod schema of the input for an environment; `language` exists only for hyperlight. */
export function inputSchemaFor(environment: EnvironmentName): PythonInputSchema | HyperlightInputSchema {
  const code = z.string().describe(CODE_DESCRIPTIONS[environment])
  const stdin = z.string().optional().describe(STDIN_DESCRIPTION)
  if (environment === 'python') return z.object({ code, stdin })
  return z.object({ code, language: z.enum(HYPERLIGHT_LANGUAGES).optional().describe(LANGUAGE_DESCRIPTION), stdin })
}

/** The JSON Schema of the input for an environment (draft 2020-12, without the `$schema` key). */
export function inputJsonSchemaFor(environment: EnvironmentName): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(inputSchemaFor(environment)) as Record<string, unknown>
  return schema
}
