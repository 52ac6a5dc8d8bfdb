import http from 'node:http'

export interface RecordedRequest {
  readonly method: string
  /** Path and query, as sent. */
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

export interface StandInAnswer {
  readonly status: number
  readonly body?: string
  readonly headers?: Record<string, string>
}

/**
 * A purge API stand-in on loopback (Fastly, Cloudflare or Varnish as the
 * service sees them) that records every request. `answers` are sent one per
 * request, then `otherwise` forever.
 */
export async function startPurgeStandIn(answers: StandInAnswer[], otherwise: StandInAnswer): Promise<{ url: string; received: RecordedRequest[]; close: () => Promise<void> }> {
  const received: RecordedRequest[] = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body })
      const answer = answers.shift() ?? otherwise
      response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers })
      response.end(answer.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || !address) throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}/`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
