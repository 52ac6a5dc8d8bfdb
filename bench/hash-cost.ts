/**
 * `npx tsx bench/hash-cost.ts`: how long hashing a document holds the event
 * loop, two ways, side by side in one run (issue 10's 100 ms rule for a 2 MiB
 * article, whose page is about 4 MB):
 * - `createHash`: SHA-256 in this thread (resource.ts hashInThread; article-versions.ts bodyDigest up to 64 KiB);
 * - Web Crypto's `subtle.digest`, which hashes on libuv's thread pool: only
 *   the part that runs before it returns is counted (it copies its input first).
 * For a body string, `update(string)` against `Buffer.from` and `update(bytes)`.
 * For the index snapshot (24 MB at 50,000 files), its damage check: SHA-256
 * (format 2) against zlib's CRC-32 (format 3, store/snapshot-format.ts).
 *
 * Each figure is the median of BENCH_HASH_ROUNDS (default 15) rounds, each on
 * a fresh buffer or string (a copy into fresh memory is what costs here), and
 * the ratio is Web Crypto's against createHash's, so a busy machine moves both.
 */
import { createHash, webcrypto } from 'node:crypto'
import zlib from 'node:zlib'

const ROUNDS = Number(process.env.BENCH_HASH_ROUNDS ?? 15)
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

function timed(run: () => unknown): number {
  const started = performance.now()
  run()
  return performance.now() - started
}

async function bytesRow(megabytes: number): Promise<void> {
  const web: number[] = []
  const here: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const bytes = Buffer.alloc(megabytes * 1e6, 0x61 + (round % 26))
    let pending: Promise<ArrayBuffer> | undefined
    web.push(timed(() => (pending = webcrypto.subtle.digest('SHA-256', bytes))))
    await pending
    here.push(timed(() => createHash('sha256').update(bytes).digest()))
  }
  const [w, h] = [median(web), median(here)]
  console.log(`${megabytes} MB of bytes: subtle.digest ${w.toFixed(2)} ms of the loop, createHash ${h.toFixed(2)} ms; ratio ${(w / h).toFixed(1)}`)
}

async function stringRow(megabytes: number): Promise<void> {
  const unit = 'Die Börse „schloss“ fester: 3 € mehr. '
  const web: number[] = []
  const asString: number[] = []
  const asBytes: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const text = (): string => `${round}${unit.repeat(Math.ceil((megabytes * 1e6) / unit.length))}`.slice(1)
    let pending: Promise<ArrayBuffer> | undefined
    const first = text()
    web.push(timed(() => (pending = webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(first)))))
    await pending
    const second = text()
    asString.push(timed(() => createHash('sha256').update(second).digest()))
    const third = text()
    asBytes.push(timed(() => createHash('sha256').update(Buffer.from(third)).digest()))
  }
  const [w, s, b] = [median(web), median(asString), median(asBytes)]
  console.log(
    `${megabytes} M characters of text: TextEncoder + subtle.digest ${w.toFixed(2)} ms, update(string) ${s.toFixed(2)} ms, Buffer.from + update ${b.toFixed(2)} ms; ratios to the last ${(w / b).toFixed(1)} / ${(s / b).toFixed(1)}`,
  )
}

function checksumRow(megabytes: number): void {
  const sha: number[] = []
  const crc: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const bytes = Buffer.alloc(megabytes * 1e6, 0x61 + (round % 26))
    sha.push(timed(() => createHash('sha256').update(bytes).digest()))
    crc.push(timed(() => zlib.crc32(bytes)))
  }
  const [s, c] = [median(sha), median(crc)]
  console.log(`${megabytes} MB snapshot: SHA-256 ${s.toFixed(2)} ms, CRC-32 ${c.toFixed(2)} ms; ratio ${(s / c).toFixed(1)}`)
}

console.log(`Node ${process.version}, ${ROUNDS} rounds, medians`)
for (const megabytes of [0.25, 1, 4]) await bytesRow(megabytes)
for (const megabytes of [0.25, 2]) await stringRow(megabytes)
checksumRow(24)
