import { describe, expect, it } from 'vitest'
import { redactSecrets, redactUrl } from '../../src/text/redact.js'

describe('redactUrl', () => {
  it('drops a query, whatever its parameters are called', () => {
    expect(redactUrl('https://hub.example/publish?token=abc&x=1')).toBe('https://hub.example/publish?[redacted]')
  })

  it('drops credentials before the host', () => {
    expect(redactUrl('https://user:geheim@hub.example/')).toBe('https://[redacted]@hub.example/')
  })

  it('hides the token segment of a plus-feed path, in a URL or a bare path', () => {
    expect(redactUrl('https://www.example.de/wirtschaft/plus/t0k3n/feed.xml')).toBe('https://www.example.de/wirtschaft/plus/[redacted]/feed.xml')
    expect(redactUrl('/wirtschaft/plus/t0k3n/feed.xml')).toBe('/wirtschaft/plus/[redacted]/feed.xml')
  })

  it('leaves a URL without secrets as it is', () => {
    expect(redactUrl('http://127.0.0.1:8080/hub')).toBe('http://127.0.0.1:8080/hub')
  })
})

describe('redactSecrets', () => {
  it('redacts every URL in running text and stops at the bracket that closes it', () => {
    expect(redactSecrets('websub: notifying https://a:b@hub.example/?t=1 of https://x.de/wirtschaft/feed.xml failed (see https://h/?k=2)')).toBe(
      'websub: notifying https://[redacted]@hub.example/?[redacted] of https://x.de/wirtschaft/feed.xml failed (see https://h/?[redacted])',
    )
  })

  it('redacts a plus-feed path outside a URL', () => {
    expect(redactSecrets('media: GET /wirtschaft/plus/t0k3n/x answered 500')).toBe('media: GET /wirtschaft/plus/[redacted]/x answered 500')
  })

  it('returns text without URLs as it is', () => {
    expect(redactSecrets('skipped kaputt.md: title: is required')).toBe('skipped kaputt.md: title: is required')
  })
})
