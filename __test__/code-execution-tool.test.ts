import { describe, expect, it } from 'vitest'

import { CodeExecutionTool } from '../src/code-execution-tool'
import { InvalidConfigError } from '../src/errors'
import { formatExecutionResult, isModelVisibleImage, toModelContent, type ExecutionResult } from '../src/execution-result'
import { PYTHON_IMAGES } from '../src/generated/core-facts'
import type { NativeAddon } from '../src/native/addon'

/** A stand-in addon that says which Python image is the default, and counts how often it was loaded. */
function addonWithDefault(image: 'standard' | 'data' | null) {
  const loads = { count: 0 }
  const addon = { NanvixSandbox: class {}, defaultPythonImage: () => image } as unknown as NativeAddon
  return {
    loads,
    loadNativeAddon: () => {
      loads.count++
      return addon
    },
  }
}

describe('CodeExecutionTool surface', () => {
  it('is named execute_code, defaults to the python environment and never asks for approval by default', () => {
    const tool = new CodeExecutionTool()
    expect(tool.name).toBe('execute_code')
    expect(tool.environment).toBe('python')
    expect(tool.approvalMode).toBe('never_require')
    expect(tool.needsApproval).toBe(false)
    expect(new CodeExecutionTool({ approvalMode: 'always_require' }).needsApproval).toBe(true)
    expect(new CodeExecutionTool({ name: 'run_python' }).name).toBe('run_python')
  })

  it('describes the environment: languages, isolation, state and limits', () => {
    const python = new CodeExecutionTool({ timeoutMs: 5000, maxOutputBytes: 2048 }).description
    expect(python).toMatch(/Python 3/)
    expect(python).toMatch(/trusted code only/i)
    expect(python).toMatch(/new Python process/)
    expect(python).toContain('5 s')
    expect(python).toContain('2,048 bytes')

    const fresh = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard' }).description
    const persistent = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', persistent: true }).description
    for (const text of [fresh, persistent]) {
      expect(text).toMatch(/micro-VM/)
      expect(text).toMatch(/javascript/)
      expect(text).toMatch(/cpp/)
      expect(text).toMatch(/no network/)
    }
    expect(fresh).toMatch(/clean guest/)
    expect(persistent).toMatch(/as in a notebook/)
    expect(new Set([python, fresh, persistent]).size).toBe(3)
  })

  it('tells the model, for hyperlight only, that python returns the last expression, and with the data image charts as images', () => {
    const data = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'data' }).description
    expect(data).toMatch(/value of a final bare expression is returned/)
    expect(data).toMatch(/matplotlib charts \(plt\.show\(\) or left open\).* come back as images/)
    const standard = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard' }).description
    expect(standard).toMatch(/value of a final bare expression is returned/)
    expect(standard).not.toMatch(/images|matplotlib/)
    const python = new CodeExecutionTool().description
    expect(python).not.toMatch(/images/)
    expect(python).toMatch(/a bare expression prints nothing/)
  })

  it('describes the packages of the data Python image, and the standard one as the standard library only; both without network', () => {
    const data = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'data' }).description
    expect(data).toMatch(/python \(CPython 3\.11 with numpy, pandas, scipy, scikit-learn, matplotlib, seaborn, sympy, pillow and other common packages/)
    expect(data).not.toMatch(/standard library only/)
    const standard = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard' }).description
    expect(standard).toMatch(/python \(CPython 3\.11, standard library only/)
    expect(standard).not.toMatch(/numpy/)
    for (const text of [data, standard]) expect(text).toMatch(/no network/)
    // Short: it is read on every call.
    expect(data.length - standard.length).toBeLessThan(250)
  })

  it('without pythonImage, describes the image the addon runs by default, loading it once when the description is first read', () => {
    const data = addonWithDefault('data')
    const tool = new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: data.loadNativeAddon })
    expect(data.loads.count).toBe(0)
    expect(tool.description).toMatch(/numpy, pandas/)
    expect(tool.pythonImage).toBe('data')
    expect(tool.description).toBe(tool.description)
    expect(data.loads.count).toBe(1)

    for (const image of ['standard', null] as const) {
      const tool = new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: addonWithDefault(image).loadNativeAddon })
      expect(tool.description).toMatch(/standard library only/)
      expect(tool.pythonImage).toBe(image ?? undefined)
    }
    // A chosen image wins, and the addon is not loaded for it.
    const chosen = addonWithDefault('data')
    const standard = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', loadNativeAddon: chosen.loadNativeAddon })
    expect(standard.description).toMatch(/standard library only/)
    expect(standard.pythonImage).toBe('standard')
    expect(chosen.loads.count).toBe(0)
    // An addon that cannot load, or predates defaultPythonImage: the standard image's description.
    const broken = new CodeExecutionTool({
      environment: 'hyperlight',
      loadNativeAddon: () => {
        throw new Error('cannot open shared object file')
      },
    })
    expect(broken.description).toMatch(/standard library only/)
    expect(broken.pythonImage).toBeUndefined()
    const old = new CodeExecutionTool({ environment: 'hyperlight', loadNativeAddon: () => ({ NanvixSandbox: class {} }) as unknown as NativeAddon })
    expect(old.description).toMatch(/standard library only/)
    expect(new CodeExecutionTool().pythonImage).toBeUndefined()
  })

  it('validates pythonImage: one of the core\'s images, for the hyperlight environment only', () => {
    for (const image of PYTHON_IMAGES) expect(new CodeExecutionTool({ environment: 'hyperlight', pythonImage: image }).pythonImage).toBe(image)
    const bad = () => new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'full' as never })
    expect(bad).toThrow(InvalidConfigError)
    expect(bad).toThrow(/pythonImage must be one of standard, data, got full/)
    expect(() => new CodeExecutionTool({ pythonImage: 'data' })).toThrow(/pythonImage applies to the hyperlight environment only/)
  })

  it('validates network: an object whose allow is an array of strings, for the hyperlight environment only', () => {
    const allow = ['api.example.com', '*.example.org:443']
    const tool = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', network: { allow } })
    expect(tool.network).toEqual({ allow })
    allow.push('later.example')
    expect(tool.network?.allow).toEqual(['api.example.com', '*.example.org:443'])
    expect(Object.isFrozen(tool.network) && Object.isFrozen(tool.network?.allow)).toBe(true)
    expect(new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard' }).network).toBeUndefined()
    expect(new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', network: { allow, maxSockets: 32 } }).network).toEqual({ allow, maxSockets: 32 })
    for (const [network, message] of [
      [null, /network must be an object \{ allow: string\[\] \}, got null/],
      [['api.example.com'], /network must be an object \{ allow: string\[\] \}, got an array/],
      ['api.example.com', /network must be an object \{ allow: string\[\] \}, got string/],
      [{}, /network.allow must be an array of strings, got undefined/],
      [{ allow: 'api.example.com' }, /network.allow must be an array of strings, got string/],
      [{ allow: ['api.example.com', 443] }, /network.allow\[1\] must be a string, got number/],
      [{ allow: [null] }, /network.allow\[0\] must be a string, got null/],
      // eslint-disable-next-line no-sparse-arrays
      [{ allow: ['a.example', , 'b.example'] }, /network.allow\[1\] must be a string, got undefined/],
      [{ allow: [], maxSockets: 0 }, /network.maxSockets must be a whole number from 1 to 1024, got 0/],
      [{ allow: [], maxSockets: 2.5 }, /network.maxSockets must be a whole number/],
      [{ allow: [], maxSockets: '8' }, /network.maxSockets must be a whole number/],
    ] as const) {
      const bad = () => new CodeExecutionTool({ environment: 'hyperlight', network: network as never })
      expect(bad).toThrow(InvalidConfigError)
      expect(bad).toThrow(message)
    }
    // The python environment has the host's network: no option can limit it, so none is accepted, not even an empty list.
    for (const network of [{ allow: ['api.example.com'] }, { allow: [] }]) {
      const local = () => new CodeExecutionTool({ network })
      expect(local).toThrow(InvalidConfigError)
      expect(local).toThrow(/network applies to the hyperlight environment only/)
      expect(() => new CodeExecutionTool({ environment: 'python', network })).toThrow(/hyperlight environment only/)
    }
  })

  it('names the reachable destinations in the description when network allows some, and says no network otherwise', () => {
    const allowed = new CodeExecutionTool({
      environment: 'hyperlight',
      pythonImage: 'standard',
      network: { allow: ['api.example.com', '*.example.org:443', '10.0.0.0/8'] },
    }).description
    expect(allowed).toContain('Network: only these destinations are reachable: api.example.com, *.example.org:443, 10.0.0.0/8; every other connection is refused.')
    expect(allowed).toContain('JavaScript reaches them with fetch()')
    expect(allowed).not.toMatch(/no network/)
    expect(allowed).toMatch(/no access to the host's files or environment variables/)
    for (const options of [{}, { network: { allow: [] } }]) {
      const closed = new CodeExecutionTool({ environment: 'hyperlight', pythonImage: 'standard', ...options }).description
      expect(closed).toContain('The guest is a separate virtual machine: no network, no access to the host\'s files or environment variables.')
      expect(closed).not.toMatch(/reachable/)
    }
  })

  it('has an input schema, in zod and JSON Schema, with language only for hyperlight', () => {
    const python = new CodeExecutionTool()
    expect(python.inputJsonSchema).toMatchObject({
      type: 'object',
      properties: { code: { type: 'string' } },
      required: ['code'],
    })
    expect(python.inputJsonSchema.properties).not.toHaveProperty('language')
    expect(python.inputSchema.safeParse({ code: 'print(1)' }).success).toBe(true)

    const hyperlight = new CodeExecutionTool({ environment: 'hyperlight' })
    expect(hyperlight.inputJsonSchema).toMatchObject({
      type: 'object',
      properties: { code: { type: 'string' }, language: { enum: ['python', 'javascript', 'c', 'cpp'] } },
      required: ['code'],
    })
    expect(hyperlight.inputSchema.safeParse({ code: 'x', language: 'cpp' }).success).toBe(true)
    expect(hyperlight.inputSchema.safeParse({ code: 'x', language: 'ruby' }).success).toBe(false)
  })
})

describe('formatExecutionResult (the text a model reads)', () => {
  const base: ExecutionResult = {
    output: 'hi\n',
    stderr: '',
    exitCode: 0,
    timedOut: false,
    truncated: false,
    durationMs: 12.4,
    environment: 'python',
    language: 'python',
  }

  it('shows the output then a status line', () => {
    expect(formatExecutionResult(base)).toBe('hi\n[exit code 0 · 12 ms]')
    expect(formatExecutionResult({ ...base, output: '' })).toBe('(no output)\n[exit code 0 · 12 ms]')
    expect(formatExecutionResult({ ...base, truncated: true })).toBe('hi\n[exit code 0 · 12 ms · output truncated]')
  })

  it('shows the error code and message', () => {
    const failed = { ...base, exitCode: 1, error: { code: 'ERR_EXIT_STATUS', message: 'The program exited with code 1.' } } as const
    expect(formatExecutionResult(failed)).toBe(
      'hi\n[error ERR_EXIT_STATUS: The program exited with code 1.]\n[exit code 1 · 12 ms]',
    )
    const refused = { ...base, output: '', exitCode: -1, error: { code: 'ERR_EMPTY_CODE', message: 'The code is empty.' } } as const
    expect(formatExecutionResult(refused)).toBe('[error ERR_EMPTY_CODE: The code is empty.]')
  })

  const png = { mimeType: 'image/png', data: 'iVBORw0KGgo=' } as const
  const svg = { mimeType: 'image/svg+xml', data: 'PHN2Zy8+' } as const

  it('shows the last expression\'s value after the output, and counts the attached images in the status line', () => {
    expect(formatExecutionResult({ ...base, value: "{'a': 1}", images: [png, svg] })).toBe(
      "hi\nOut: {'a': 1}\n[exit code 0 · 12 ms · 2 images attached]",
    )
    expect(formatExecutionResult({ ...base, value: '42' })).toBe('hi\nOut: 42\n[exit code 0 · 12 ms]')
    expect(formatExecutionResult({ ...base, truncated: true, images: [png] })).toBe('hi\n[exit code 0 · 12 ms · output truncated · 1 image attached]')
  })

  it('shows a value instead of "(no output)", and the images of a run that then failed', () => {
    expect(formatExecutionResult({ ...base, output: '', value: "'text'" })).toBe("Out: 'text'\n[exit code 0 · 12 ms]")
    expect(formatExecutionResult({ ...base, output: '', images: [png] })).toBe('(no output)\n[exit code 0 · 12 ms · 1 image attached]')
    const failed: ExecutionResult = {
      ...base,
      output: 'ValueError: x\n',
      exitCode: 1,
      images: [png],
      error: { code: 'ERR_EXIT_STATUS', message: 'The program exited with code 1: ValueError: x' },
    }
    expect(formatExecutionResult(failed)).toBe(
      'ValueError: x\n[error ERR_EXIT_STATUS: The program exited with code 1: ValueError: x]\n[exit code 1 · 12 ms · 1 image attached]',
    )
  })
})

describe('toModelContent (what the model adapters send)', () => {
  const base: ExecutionResult = {
    output: 'hi\n',
    stderr: '',
    exitCode: 0,
    timedOut: false,
    truncated: false,
    durationMs: 12.4,
    environment: 'hyperlight',
    language: 'python',
  }
  const png = { mimeType: 'image/png', data: 'iVBORw0KGgo=' } as const
  const svg = { mimeType: 'image/svg+xml', data: 'PHN2Zy8+' } as const

  it('sends raster images only: a model can see PNG, not SVG', () => {
    expect(isModelVisibleImage(png)).toBe(true)
    expect(isModelVisibleImage(svg)).toBe(false)
  })

  it('keeps the PNG images in order, and names the SVG ones left out before the status line', () => {
    const png2 = { mimeType: 'image/png', data: 'AAAA' } as const
    expect(toModelContent({ ...base, value: '42', images: [png, svg, png2] })).toEqual({
      text: "hi\nOut: 42\n[1 SVG image not shown; it is in the result's images]\n[exit code 0 · 12 ms · 2 images attached]",
      images: [png, png2],
    })
    expect(toModelContent({ ...base, output: '', images: [svg, svg] })).toEqual({
      text: "(no output)\n[2 SVG images not shown; they are in the result's images]\n[exit code 0 · 12 ms]",
      images: [],
    })
  })

  it('is formatExecutionResult\'s text when every image can be sent, or there are none', () => {
    for (const result of [base, { ...base, images: [png] }, { ...base, exitCode: 1, error: { code: 'ERR_EXIT_STATUS', message: 'x' } } as const]) {
      expect(toModelContent(result)).toEqual({ text: formatExecutionResult(result), images: result.images ?? [] })
    }
    // MCP's text (formatExecutionResult) counts every image, the SVG too.
    expect(formatExecutionResult({ ...base, images: [png, svg] })).toBe('hi\n[exit code 0 · 12 ms · 2 images attached]')
  })
})
