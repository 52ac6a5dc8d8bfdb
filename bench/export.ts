/**
 * The static export beside Hugo (Debian's `hugo`) on the same generated
 * corpus, one after the other in one run: `npm run export`'s seconds and peak
 * resident memory, Hugo's for the minimal site in bench/hugo-site/ (an index,
 * an RSS feed and a page per article, no precompressed siblings), and the
 * export run again into the same folder, which writes only what changed.
 * Called by bench/run.ts (BENCH_EXPORT_SIZES); alone:
 * `BENCH_ROUNDS=0 BENCH_SIZES= BENCH_EXPORT_SIZES=50000 npm run bench`.
 * BENCH_EXPORT_BEFORE=<another build's dist/export.js> measures that one
 * too, first, in the same run (before and after, as a ratio).
 */
import { owned, removeFolder, tempFolder } from './children.js'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const EXPORT = path.join(ROOT, 'dist/export.js')
const HUGO_SITE = path.join(ROOT, 'bench/hugo-site')

interface Run {
  readonly seconds: number
  /** Peak resident memory of the process, MB (VmHWM, read every 20 ms). */
  readonly peakMb: number
  /** CPU seconds (user + system, all threads) as last read, up to 20 ms before its end: steadier than seconds on a shared machine. */
  readonly cpu: number
  /** Files under the output folder written during the run. */
  readonly written: number
  readonly files: number
}

/** A process's peak resident memory so far, kB; 0 once it has ended. */
function peakKbOf(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** A process's CPU time so far (user + system of all its threads), s; 0 once it has ended. */
function cpuOf(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

/** Seconds as the table prints them: two decimals under 10 (Hugo's 0.3 s beside a ratio of 8.91 read as a mistake). */
const figure = (seconds: number): string => seconds.toFixed(seconds < 10 ? 2 : 1)

/** Runs a command to its end, timing it and watching its peak memory; throws when it fails. */
async function measure(command: string, args: string[], env: Record<string, string>, out: string): Promise<Run> {
  const started = Date.now()
  const child = owned(spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env }, stdio: ['ignore', 'ignore', 'pipe'] }))
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  let peakKb = 0
  let cpu = 0
  const watch = setInterval(() => {
    peakKb = Math.max(peakKb, peakKbOf(child.pid))
    cpu = Math.max(cpu, cpuOf(child.pid))
  }, 20)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  }).finally(() => clearInterval(watch))
  const seconds = (Date.now() - started) / 1000
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`)
  let written = 0
  let files = 0
  for (const file of fs.readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    const stats = fs.statSync(path.join(out, file))
    if (!stats.isFile()) continue
    files += 1
    if (stats.mtimeMs >= started) written += 1
  }
  return { seconds, peakMb: peakKb / 1024, cpu, written, files }
}

/**
 * The export and Hugo over the corpus of each size in `counts` (from
 * `corpus`, generated once and kept), in fresh output folders; prints a table.
 */
export async function exportBeside(counts: readonly number[], corpus: (count: number) => string): Promise<void> {
  if (!fs.existsSync(EXPORT)) throw new Error('dist/export.js is missing: run npm run build')
  console.log('')
  console.log('| articles | what | seconds | CPU s | peak RSS | files written (of all in the folder) |')
  console.log('|---|---|---|---|---|---|')
  for (const count of counts) {
    const articles = corpus(count)
    const work = tempFolder('bench-export-')
    try {
      const ours = path.join(work, 'export')
      const env = { ARTICLES_DIR: articles, SITE_URL: 'https://www.example.de/' }
      const first = await measure(process.execPath, [EXPORT, '--out', ours], env, ours)
      const hugoOut = path.join(work, 'hugo')
      const hugo = await measure('hugo', ['--source', HUGO_SITE, '--contentDir', articles, '--destination', hugoOut, '--quiet', '--noBuildLock'], { HUGO_RESOURCEDIR: path.join(work, 'hugo-resources') }, hugoOut).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error("hugo not found: install Debian's hugo (apt-get install hugo)")
        throw error
      })
      const again = await measure(process.execPath, [EXPORT, '--out', ours], env, ours)
      const before = process.env.BENCH_EXPORT_BEFORE
      const theirs = path.join(work, 'before')
      const old = before ? [await measure(process.execPath, [before, '--out', theirs], env, theirs), await measure(process.execPath, [before, '--out', theirs], env, theirs)] : []
      const row = (what: string, run: Run) =>
        console.log(`| ${count.toLocaleString('en')} | ${what} | ${figure(run.seconds)} s | ${figure(run.cpu)} | ${Math.round(run.peakMb)} MB | ${run.written.toLocaleString('en')} (of ${run.files.toLocaleString('en')}) |`)
      row('`npm run export`, empty folder', first)
      row('Hugo 0.111, minimal site (bench/hugo-site)', hugo)
      row('`npm run export` again, nothing changed', again)
      if (old[0] && old[1]) {
        row('before (BENCH_EXPORT_BEFORE), empty folder', old[0])
        row('before, again, nothing changed', old[1])
        console.log(`| ${count.toLocaleString('en')} | after ÷ before | ${(first.seconds / old[0].seconds).toFixed(2)}; again ${(again.seconds / old[1].seconds).toFixed(2)} | ${(first.cpu / old[0].cpu).toFixed(2)}; again ${(again.cpu / old[1].cpu).toFixed(2)} | | |`)
      }
      const ratio = first.seconds / hugo.seconds
      console.log(`| ${count.toLocaleString('en')} | export ÷ Hugo | ${ratio.toFixed(2)} ${ratio < 1 ? '✓' : '✗'} (target < 1) | ${(first.cpu / hugo.cpu).toFixed(2)} | ${Math.round(first.peakMb)} MB ${first.peakMb < 1024 ? '✓' : '✗'} (target < 1 GB) | |`)
    } finally {
      removeFolder(work)
    }
  }
}
