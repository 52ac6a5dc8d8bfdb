// The baseline: Node's own http server answering fixed bytes from memory,
// what "the limit for Node on this machine" means in bench/run.ts.
// usage: node bench/bare-server.mjs PORT IDENTITY_FILE GZIP_FILE ETAG CONTENT_TYPE
import fs from 'node:fs'
import http from 'node:http'

const [port, identityFile, gzipFile, etag, contentType] = process.argv.slice(2)
const identity = fs.readFileSync(identityFile)
const gzip = fs.readFileSync(gzipFile)
const gzipEtag = `${etag.slice(0, -1)}-gz"`

http
  .createServer((request, response) => {
    const gz = (request.headers['accept-encoding'] ?? '').includes('gzip')
    const tag = gz ? gzipEtag : etag
    const headers = { 'Content-Type': contentType, ETag: tag, 'Cache-Control': 'public, max-age=300', Vary: 'Accept-Encoding' }
    if (request.headers['if-none-match'] === tag) {
      response.writeHead(304, headers)
      response.end()
      return
    }
    const body = gz ? gzip : identity
    response.writeHead(200, { ...headers, ...(gz ? { 'Content-Encoding': 'gzip' } : {}), 'Content-Length': body.length })
    response.end(body)
  })
  .listen(Number(port), '127.0.0.1', () => console.log('ready'))
