// The data Python image in a real Hyperlight micro-VM: the libraries data work imports, and the notebook-style
// results (the last expression's value, the figures shown) that come back from a run. Never skipped: a host
// that cannot run micro-VMs, or a checkout without the data image, fails here.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_MAX_OUTPUT_BYTES, MAX_IMAGES } from '../../src/generated/core-facts'
import { createMcpServer } from '../../src/mcp/server'
import { native } from '../helpers/native'

/** The width and height a PNG's IHDR chunk gives, after checking the signature and the chunk's name. */
function pngSize(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  expect(data.subarray(12, 16).toString('latin1')).toBe('IHDR')
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) }
}


describe('the data Python image in a micro-VM', () => {
  // Heavy numerical work is slow under emulation: each run gets a minute. The tool's output limit, so this
  // sandbox and the MCP server's tool below restore one snapshot (the image boots once in this file).
  const sandbox = new native.NanvixSandbox({ pythonImage: 'data', timeoutMs: 60_000, maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES })

  beforeAll(async () => {
    // The first run boots the 500 MB image and imports numpy, pandas, scipy, sklearn and matplotlib
    // before the snapshot (about a minute under emulation).
    const first = await sandbox.runCode('import numpy, pandas\nprint(numpy.__version__, pandas.__version__)', 'python')
    expect(first.error).toBeUndefined()
    expect(first.output).toMatch(/^2\.\d+\.\d+ 3\.\d+\.\d+\n$/)
  })

  it('groups and merges a CSV given as an input file with pandas', async () => {
    const sales = 'region,product,units\nnorth,a,3\nsouth,a,5\nnorth,b,7\nsouth,b,1\nnorth,a,2\n'
    const prices = 'product,price\na,2.5\nb,10\n'
    const r = await sandbox.runCode(
      [
        'import pandas as pd',
        "sales = pd.read_csv('/input/sales.csv')",
        "prices = pd.read_csv('/input/prices.csv')",
        "merged = sales.merge(prices, on='product')",
        "merged['revenue'] = merged.units * merged.price",
        "print(merged.groupby('region').revenue.sum().to_dict())",
      ].join('\n'),
      'python',
      { files: { 'sales.csv': Buffer.from(sales), 'prices.csv': Buffer.from(prices) } },
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe("{'north': 82.5, 'south': 22.5}\n")
  })

  it('solves linear algebra with numpy, fits with scikit-learn and minimises with scipy', async () => {
    const r = await sandbox.runCode(
      [
        'import numpy as np, scipy.optimize, sklearn.linear_model',
        'x = np.linalg.solve(np.array([[3., 1.], [1., 2.]]), np.array([9., 8.]))',
        'print(np.round(x, 6).tolist())',
        'model = sklearn.linear_model.LinearRegression().fit(np.arange(10).reshape(-1, 1), 3 * np.arange(10) + 2)',
        'print(np.round(model.predict([[20]]), 6).tolist())',
        'best = scipy.optimize.minimize_scalar(lambda v: (v - 1.5) ** 2)',
        'print(round(best.x, 4))',
      ].join('\n'),
      'python',
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe('[2.0, 3.0]\n[62.0]\n1.5\n')
  })

  it("returns the repr of the last expression as value: df.describe() as a notebook shows it", async () => {
    const r = await sandbox.runCode('import pandas as pd\ndf = pd.DataFrame({"a": [1, 2, 3, 4]})\ndf.describe()', 'python')
    expect(r.success).toBe(true)
    expect(r.output).toBe('')
    expect(r.value).toMatch(/^\s+a\ncount\s+4\.0+\nmean\s+2\.50*\n/)
    expect(r.value).toContain('max    4.000000')
  })

  it('hands back a matplotlib line chart and a seaborn plot as PNGs of the figure size, in order', async () => {
    const r = await sandbox.runCode(
      [
        'import matplotlib.pyplot as plt, seaborn as sns, pandas as pd',
        'plt.figure(figsize=(4, 3), dpi=100)',
        'plt.plot([1, 3, 2])',
        'plt.title("line")',
        'plt.show()',
        'plt.figure(figsize=(5, 2), dpi=100)',
        'sns.barplot(data=pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}), x="x", y="y")',
      ].join('\n'),
      'python',
    )
    expect(r.error).toBeUndefined()
    expect(r.images.map((i) => i.mimeType)).toEqual(['image/png', 'image/png'])
    expect(r.images.map((i) => pngSize(i.data))).toEqual([
      { width: 400, height: 300 },
      { width: 500, height: 200 },
    ])
    expect(r.truncated).toBe(false)
  })

  it('shows a PIL image given to display()', async () => {
    const r = await sandbox.runCode('from PIL import Image\ndisplay(Image.new("RGB", (7, 5), "red"))', 'python')
    expect(r.error).toBeUndefined()
    expect(r.images).toHaveLength(1)
    expect(pngSize(r.images[0].data)).toEqual({ width: 7, height: 5 })
  })

  it(`keeps at most ${MAX_IMAGES} images and reports the run truncated`, async () => {
    const r = await sandbox.runCode(
      `import matplotlib.pyplot as plt\nfor i in range(${MAX_IMAGES + 2}):\n    plt.figure(figsize=(1, 1), dpi=20)\n    plt.plot([0, i])\n    plt.show()\nprint("drew")`,
      'python',
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe('drew\n')
    expect(r.images).toHaveLength(MAX_IMAGES)
    expect(r.truncated).toBe(true)
  })

  it('leaks no figure and no variable into the next run', async () => {
    const open = await sandbox.runCode('import matplotlib.pyplot as plt\nleft_behind = 1\nplt.plot([1, 2])\nplt.get_fignums()', 'python')
    expect(open.images).toHaveLength(1)
    const next = await sandbox.runCode(
      'import matplotlib.pyplot as plt\nprint(plt.get_fignums(), "left_behind" in globals())',
      'python',
    )
    expect(next.output).toBe('[] False\n')
    expect(next.images).toEqual([])
  })

  it('keeps the figures of a run that fails after showing them', async () => {
    const r = await sandbox.runCode('import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\nraise ValueError("late")', 'python')
    expect(r.error).toBe('ValueError: late')
    expect(r.images).toHaveLength(1)
  })

  it('has CA certificates and the tz database', async () => {
    const r = await sandbox.runCode(
      'import ssl, zoneinfo, datetime\nprint(ssl.create_default_context().cert_store_stats()["x509_ca"] > 50)\n' +
        'print(datetime.datetime(2026, 7, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")).utcoffset())',
      'python',
    )
    expect(r.error).toBeUndefined()
    expect(r.output).toBe('True\n2:00:00\n')
  })
})

describe('the MCP server on the data image', () => {
  it('returns a chart to the MCP client as an image content item after the text', async () => {
    const { server } = createMcpServer({ environment: 'hyperlight', pythonImage: 'data', timeoutMs: 60_000 })
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
    await server.connect(serverSide)
    const client = new Client({ name: 'micro-vm-test', version: '1.0.0' })
    await client.connect(clientSide)
    try {
      const { tools } = await client.listTools()
      expect(tools[0].description).toContain('pandas')
      const result = await client.callTool({
        name: tools[0].name,
        arguments: { language: 'python', code: 'import matplotlib.pyplot as plt\nplt.figure(figsize=(2, 1), dpi=100)\nplt.plot([1, 2])\n"drawn"' },
      })
      const content = result.content as Array<{ type: string; text?: string; data?: string; mimeType?: string }>
      expect(content.map((c) => c.type)).toEqual(['text', 'image'])
      expect(content[0].text).toContain("Out: 'drawn'")
      expect(content[0].text).toContain('1 image attached')
      expect(content[1].mimeType).toBe('image/png')
      expect(pngSize(Buffer.from(content[1].data!, 'base64'))).toEqual({ width: 200, height: 100 })
    } finally {
      await client.close()
    }
  })
})

describe('the standard Python image, forced where the data image is installed', () => {
  it('runs without the data packages', async () => {
    const sandbox = new native.NanvixSandbox({ pythonImage: 'standard', timeoutMs: 60_000 })
    const r = await sandbox.runCode('import importlib.util\nimportlib.util.find_spec("numpy") is None, 6 * 7', 'python')
    expect(r.error).toBeUndefined()
    expect(r.value).toBe('(True, 42)')
  })
})
