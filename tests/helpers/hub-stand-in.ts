import http from 'node:http'

export interface HubRequest {
  readonly method: string
  readonly contentType: string | undefined
  readonly form: Record<string, string>
}

/**
 * A WebSub hub stand-in on loopback that records what it receives. `answers`
 * are the status codes to send, one per request, then 204 forever.
 */
export async function startHub(answers: number[] = []): Promise<{ url: string; received: HubRequest[]; close: () => Promise<void> }> {
  const received: HubRequest[] = []
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        contentType: request.headers['content-type'],
        form: Object.fromEntries(new URLSearchParams(body)),
      })
      response.statusCode = answers.shift() ?? 204
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || !address) throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}/hub`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
