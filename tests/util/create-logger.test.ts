import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/util/create-logger.js'

/** A JSON logger writing into memory: the objects it wrote. */
function jsonLogger() {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { logger: createLogger('json', undefined, stream), lines: () => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) }
}

describe('createLogger', () => {
  it('writes text lines as they were: the message alone, info to standard output, warnings and errors to standard error', () => {
    const out: string[] = []
    const err: string[] = []
    const logger = createLogger('text', { out: (line) => out.push(line), err: (line) => err.push(line) })
    logger.info('loaded 3 articles (0 refused); 3 published in wirtschaft', { extra: 1 })
    logger.warn('skipped kaputt.md: title: is required', { file: 'kaputt.md', field: 'title', problem: 'is required' })
    const failure = new Error('kaputt')
    logger.error('GET /x failed on the server\'s side: kaputt', { err: failure })
    expect(out).toEqual(['loaded 3 articles (0 refused); 3 published in wirtschaft'])
    expect(err).toEqual(['skipped kaputt.md: title: is required', "GET /x failed on the server's side: kaputt", failure.stack])
  })

  it('writes one JSON object per line with level as a word, time in ISO 8601, msg and the fields', async () => {
    const { logger, lines } = jsonLogger()
    logger.warn('skipped kaputt.md: title: is required', { file: 'kaputt.md', field: 'title', problem: 'is required' })
    logger.info('line\nbreak')
    logger.error('failed', { err: new Error('kaputt') })
    await new Promise((resolve) => setImmediate(resolve))
    const [refusal, info, error] = lines()
    expect(refusal).toEqual({ level: 'warn', time: refusal?.time, msg: 'skipped kaputt.md: title: is required', file: 'kaputt.md', field: 'title', problem: 'is required' })
    expect(new Date(refusal?.time as string).toISOString()).toBe(refusal?.time)
    expect(info).toMatchObject({ level: 'info', msg: 'line\nbreak' })
    expect(error).toMatchObject({ level: 'error', msg: 'failed', err: { type: 'Error', message: 'kaputt' } })
    expect(lines()).toHaveLength(3)
  })

  it('redacts secrets in URLs in the message and in every string field, in both formats', async () => {
    const { logger, lines } = jsonLogger()
    logger.warn('websub: notifying https://hub.example/?token=geheim failed', { hub: 'https://u:geheim@hub.example/', target: 'https://x.de/wirtschaft/plus/geheim/feed.xml' })
    await new Promise((resolve) => setImmediate(resolve))
    expect(lines()[0]).toMatchObject({
      msg: 'websub: notifying https://hub.example/?[redacted] failed',
      hub: 'https://[redacted]@hub.example/',
      target: 'https://x.de/wirtschaft/plus/[redacted]/feed.xml',
    })
    const err: string[] = []
    createLogger('text', { out: () => {}, err: (line) => err.push(line) }).warn('media: GET /wirtschaft/plus/geheim/x answered 500')
    expect(err).toEqual(['media: GET /wirtschaft/plus/[redacted]/x answered 500'])
  })
})
