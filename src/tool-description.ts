import type { EnvironmentName } from './execution-result.js'
import type { PythonImage } from './generated/core-facts.js'
import { describeCodeModeTools, type SignatureSource } from './code-mode/tool-signatures.js'

/** What a description depends on. */
export interface DescriptionFacts {
  /** The environment. */
  environment: EnvironmentName
  /** Time limit per call, in milliseconds. */
  timeoutMs: number
  /** Most bytes of output kept per call. */
  maxOutputBytes: number
  /** Whether state carries over between calls (hyperlight only). */
  persistent: boolean
  /** The image Python runs on (hyperlight): `data` has numpy, pandas, matplotlib…; otherwise (`standard`, unknown) the standard library only. */
  pythonImage?: PythonImage
  /** The destinations the guests may reach (hyperlight, `network.allow`); none when unset or empty. */
  networkAllow?: readonly string[]
  /** The code-mode tools the code can call (hyperlight, the `tools` option); none when unset or empty. */
  tools?: readonly SignatureSource[]
}

/** A duration for people: `30 s`, `1.5 s`, `500 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  const seconds = ms / 1000
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`
}

/** A byte count for people: `100,000 bytes`. */
export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`
}

/** What the model is told about standard input (the `stdin` field of the input). */
const STDIN = 'Standard input is what you pass in `stdin` (then end of file), or empty.'

/** What the model is told about code mode, before the list of tools (their signatures). */
const CODE_MODE =
  'Tools: the code can call these host functions through the global `tools` object: in javascript `await` each call and pass one object; in python call it with keyword arguments (or one dict), without await; c and cpp cannot call them. Arguments and results are JSON; a call that fails (an error, or arguments that do not match) raises an exception in the code. Call them from code, combine their results there (loops, filters, sums), and print only what you need:'

/**
 * The tool description a model reads: what runs the code, which languages, how isolated it is, whether
 * state carries over, and the limits; with code-mode tools, their signatures in JavaScript and Python, one
 * tool per line after the rest. It changes with the environment and the options.
 */
export function describeTool(facts: DescriptionFacts): string {
  const limits = `Limits: ${formatDuration(facts.timeoutMs)} per call (then the program is killed); ${formatBytes(facts.maxOutputBytes)} of output kept (beginning and end).`
  const result =
    'The result has the output (stdout and stderr in the order written), the exit code and any error.'
  if (facts.environment === 'python') {
    return [
      'Run Python 3 code on this machine and get back what it printed.',
      'Each call starts a new Python process: variables, imports and files do not carry over, so include everything the code needs.',
      'Print the values you want to see; a bare expression prints nothing.',
      result,
      'For trusted code only: it runs as the current user in a temporary working directory that is deleted afterwards, with none of the host\'s environment variables except PATH, HOME, the user name, locale and time zone; it is not isolated from the machine\'s files or network.',
      STDIN,
      limits,
    ].join(' ')
  }
  const data = facts.pythonImage === 'data'
  const python = data
    ? 'python (CPython 3.11 with numpy, pandas, scipy, scikit-learn, matplotlib, seaborn, sympy, pillow and other common packages; no subprocesses)'
    : 'python (CPython 3.11, standard library only, no subprocesses)'
  const rich = data
    ? 'in python, as in a notebook, the value of a final bare expression is returned too, and matplotlib charts (plt.show() or left open) and images given to display() come back as images.'
    : 'in python, as in a notebook, the value of a final bare expression is returned too.'
  const state = facts.persistent
    ? 'State persists between calls in the same language, as in a notebook: variables, functions and imports from one call are there in the next; a call that times out, is aborted or ends its process (process.exit, running out of memory) resets that language\'s session, and the result says so. C and C++ programs are compiled and run whole on every call.'
    : 'Each call starts from a clean guest: nothing carries over between calls, so include everything the code needs.'
  const allowed = (facts.networkAllow ?? []).map((entry) => entry.trim())
  const isolation =
    allowed.length === 0
      ? 'The guest is a separate virtual machine: no network, no access to the host\'s files or environment variables.'
      : `The guest is a separate virtual machine: no access to the host's files or environment variables. Network: only these destinations are reachable: ${allowed.join(', ')}; every other connection is refused. JavaScript reaches them with fetch() (whole bodies, no streams); Python and C with ordinary sockets.`
  const text = [
    'Run code in an isolated Hyperlight micro-VM and get back what it printed.',
    `Languages (set \`language\`; default python): ${python}, javascript (QuickJS: modern JavaScript, print with console.log, timers and a small \`process\` object, but no Node.js modules such as require or fs), c and cpp (compiled with gcc/g++; write a complete program with main).`,
    state,
    `Print the values you want to see; ${rich}`,
    result,
    isolation,
    STDIN,
    limits,
  ].join(' ')
  const tools = facts.tools ?? []
  return tools.length === 0 ? text : [text, CODE_MODE, ...describeCodeModeTools(tools)].join('\n')
}
