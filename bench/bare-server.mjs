// The baseline: Node's own http server answering fixed bytes from memory,
// what "the limit for Node on this machine" means in bench/throughput.ts.
// It sends exactly the status, headers and body the service sent for the same
// request (captured by the bench; Node adds Date, Connection and Keep-Alive to
// both), so the two differ only in the work done to choose them.
// usage: node bench/bare-server.mjs PORT ANSWERS_JSON
// ANSWERS_JSON: { plain, gzip, plainNotModified, gzipNotModified }, each
// { status, headers: { name: value }, body: base64 }.
import fs from 'node:fs'
import http from 'node:http'

const [port, answersFile] = process.argv.slice(2)
const answers = JSON.parse(fs.readFileSync(answersFile, 'utf8'))
const load = ({ status, headers, body }) => ({ status, headers, body: Buffer.from(body, 'base64') })
const plain = load(answers.plain)
const gzip = load(answers.gzip)
const plainNotModified = load(answers.plainNotModified)
const gzipNotModified = load(answers.gzipNotModified)

http
  .createServer((request, response) => {
    const gz = (request.headers['accept-encoding'] ?? '').includes('gzip')
    const full = gz ? gzip : plain
    const answer = request.headers['if-none-match'] === full.headers.ETag ? (gz ? gzipNotModified : plainNotModified) : full
    response.writeHead(answer.status, answer.headers)
    if (answer.status === 304 || request.method === 'HEAD') response.end()
    else response.end(answer.body)
  })
  .listen(Number(port), '127.0.0.1', () => console.log('ready'))

// Exits on SIGTERM, as the service does, so `node --cpu-prof bench/bare-server.mjs …` writes its profile when stopped.
process.once('SIGTERM', () => process.exit(0))
