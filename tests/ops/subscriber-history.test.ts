import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Operations } from '../../src/ops/operations.js'
import { stateFile } from '../../src/ops/state-file.js'
import { SubscriberHistory } from '../../src/ops/subscriber-history.js'
import { makeTempDir } from '../helpers/temp-dir.js'

const DAY = 86_400_000
const NOW = new Date('2026-12-01T08:00:00Z').getTime()
const temps: ReturnType<typeof makeTempDir>[] = []
afterEach(() => temps.splice(0).forEach((temp) => temp.rm()))

function operations(dir: string, now = NOW) {
  const lines: string[] = []
  const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) }
  const ops = new Operations({ siteName: 'Beispielzeitung', pollMinIntervalMs: 0, logger, historyFile: stateFile(dir, 'subscribers.json'), now: () => now })
  return { ops, lines }
}

describe('the subscriber history', () => {
  it('keeps the day’s last count per aggregator and feed, sums feeds per day, and forgets days older than 30', () => {
    const history = new SubscriberHistory()
    history.record('feedly', '/wirtschaft/feed.xml', 40, NOW - 40 * DAY)
    history.record('feedly', '/wirtschaft/feed.xml', 50, NOW - 2 * DAY)
    history.record('feedly', '/wirtschaft/feed.xml', 52, NOW)
    history.record('feedly', '/wirtschaft/atom.xml', 8, NOW)
    history.record('inoreader', '/wirtschaft/atom.xml', 3, NOW)
    const series = history.series(NOW)
    expect(series.map((s) => s.aggregator)).toEqual(['feedly', 'inoreader'])
    expect(series[0]?.values).toHaveLength(30)
    expect(series[0]?.values.slice(-3)).toEqual([50, undefined, 60])
    expect(series[1]?.values.filter((v) => v !== undefined)).toEqual([3])
    expect(history.serialize()).toBe(
      '{"version":1,"days":{"2026-11-29":{"feedly":{"/wirtschaft/feed.xml":50}},"2026-12-01":{"feedly":{"/wirtschaft/feed.xml":52,"/wirtschaft/atom.xml":8},"inoreader":{"/wirtschaft/atom.xml":3}}}}\n',
    )
  })

  it('keeps no history of counts from unnamed fetchers ("other"): anybody can send one, and they share one slot', () => {
    const temp = makeTempDir('history-')
    temps.push(temp)
    const { ops } = operations(temp.dir)
    ops.feedPoll('/wirtschaft/feed.xml', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )', '192.0.2.1', false)
    ops.feedPoll('/wirtschaft/feed.xml', 'Gefaelscht/1.0 (+https://example.org/; 99999999 subscribers; )', '192.0.2.2', false)
    ops.close()
    expect(fs.readFileSync(path.join(temp.dir, 'subscribers.json'), 'utf8')).toBe('{"version":1,"days":{"2026-12-01":{"feedly":{"/wirtschaft/feed.xml":52}}}}\n')
    // Nor is an `other` count plotted from a file written before.
    const history = SubscriberHistory.parse('{"version":1,"days":{"2026-12-01":{"other":{"/wirtschaft/feed.xml":99999999},"feedly":{"/wirtschaft/feed.xml":52}}}}')
    expect(history.series(NOW).map((series) => series.aggregator)).toEqual(['feedly'])
  })

  it('survives a restart: written on close, atomically, and read at start', () => {
    const temp = makeTempDir('history-')
    temps.push(temp)
    const dir = path.join(temp.dir, 'state')
    const first = operations(dir)
    first.ops.feedPoll('/wirtschaft/feed.xml', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )', '192.0.2.1', false)
    first.ops.close()
    expect(fs.readdirSync(dir)).toEqual(['subscribers.json'])
    expect(fs.readFileSync(path.join(dir, 'subscribers.json'), 'utf8')).toBe('{"version":1,"days":{"2026-12-01":{"feedly":{"/wirtschaft/feed.xml":52}}}}\n')
    const second = operations(dir, NOW + DAY)
    expect(second.lines).toEqual([])
    expect(second.ops.statsPage()).toContain('data-aggregator="feedly" d="M')
  })

  it('leaves no temporary file behind when a write fails', () => {
    const temp = makeTempDir('history-')
    temps.push(temp)
    // A folder in the file's place: the rename over it fails.
    temp.write('subscribers.json/keep', 'x')
    const file = stateFile(temp.dir, 'subscribers.json')
    expect(() => file.write('{"version":1,"days":{}}\n')).toThrow(/subscribers\.json/)
    expect(fs.readdirSync(temp.dir)).toEqual(['subscribers.json'])
  })

  it('says at a stop that the counts since the last write are lost when that write fails, not that they stay in memory', () => {
    const temp = makeTempDir('history-')
    temps.push(temp)
    const { ops, lines } = operations(temp.dir)
    ops.feedPoll('/wirtschaft/feed.xml', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 52 subscribers; )', '192.0.2.1', false)
    // A folder in the file's place: the rename over it fails.
    temp.write('subscribers.json/keep', 'x')
    ops.close()
    expect(lines).toEqual([`warning ${path.join(temp.dir, 'subscribers.json')}: cannot be written (EISDIR); the counts since its last write are lost with this stop`])
  })

  it.each([
    ['not JSON', '{"version":1,', 'is not JSON'],
    ['another version', '{"version":2,"days":{}}', 'has no "version": 1'],
    ['a bad day', '{"version":1,"days":{"gestern":{}}}', 'day "gestern" is not a date such as 2026-12-01'],
    ['an unknown aggregator', '{"version":1,"days":{"2026-12-01":{"bloglines":{}}}}', 'day 2026-12-01: "bloglines" is not a known aggregator'],
    ['a count that is none', '{"version":1,"days":{"2026-12-01":{"feedly":{"/f.xml":-1}}}}', 'day 2026-12-01: feedly /f.xml: not a count'],
  ])('starts afresh with a warning naming the file when it holds %s', (_, text, problem) => {
    const temp = makeTempDir('history-')
    temps.push(temp)
    const file = temp.write('subscribers.json', text)
    const { ops, lines } = operations(temp.dir)
    expect(lines).toEqual([`warning ${file}: ${problem}; starting a new subscriber history`])
    expect(ops.statsPage()).toContain('Noch keine Meldungen')
  })
})
