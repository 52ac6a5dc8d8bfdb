import { spawnSync } from 'node:child_process'

/** Debian's interpreter, where python3-prometheus-client lives (as tests/helpers/consumers.ts). */
const PYTHON = process.env.FEED_TEST_PYTHON ?? '/usr/bin/python3'

export interface ParsedSample {
  readonly family: string
  readonly type: string
  readonly name: string
  readonly labels: Record<string, string>
  readonly value: number
}

/** Prometheus's own text-format parser (Debian's python3-prometheus-client) reads an exposition: every sample, with its family's type. */
export function parseExposition(text: string): ParsedSample[] {
  const script = [
    'import sys, json',
    'from prometheus_client.parser import text_string_to_metric_families',
    'out = [[f.name, f.type, s.name, s.labels, s.value] for f in text_string_to_metric_families(sys.stdin.read()) for s in f.samples]',
    // NaN and ±Inf are valid sample values (prom-client's event-loop mean is NaN until a delay is
    // sampled, which a loaded machine may not have done yet), but not JSON: sent as text, read back below.
    "print(json.dumps([[*rest, v if v == v and abs(v) != float('inf') else repr(v)] for *rest, v in out]))",
  ].join('\n')
  const run = spawnSync(PYTHON, ['-c', script], { input: text, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`the Prometheus parser refused the exposition (python3-prometheus-client installed?): ${run.stderr}`)
  const special: Record<string, number> = { nan: Number.NaN, inf: Infinity, '-inf': -Infinity }
  return (JSON.parse(run.stdout) as [string, string, string, Record<string, string>, number | string][]).map(([family, type, name, labels, value]) => ({
    family,
    type,
    name,
    labels,
    value: typeof value === 'number' ? value : (special[value] as number),
  }))
}

/** The value of the one sample with that name and (at least) these labels; throws when there is none. */
export function sampleValue(samples: readonly ParsedSample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
  if (found.length !== 1) throw new Error(`${found.length} samples ${name} ${JSON.stringify(labels)}`)
  return (found[0] as ParsedSample).value
}
