/**
 * scripts/ensure-test-tools.sh, run by `pretest`, with stand-ins for
 * dpkg-query, apt-get, id and sudo as the only things in PATH: nothing on this
 * machine is installed or removed, and the script's real branches run.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTempDir } from './helpers/temp-dir.js'

const SCRIPT = fileURLToPath(new URL('../scripts/ensure-test-tools.sh', import.meta.url))
const BASH = execFileSync('sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim()

/** Each stand-in writes one line per call to $FAKE_LOG; they use only sh builtins. */
const STAND_INS: Record<string, string> = {
  // Answers like the real one for `dpkg-query -W -f='${Status}' PACKAGE`.
  'dpkg-query': `for arg; do package=$arg; done
echo "dpkg-query $*" >> "$FAKE_LOG"
case " $FAKE_MISSING " in *" $package "*)
  echo "dpkg-query: no packages found matching $package" >&2; exit 1;; esac
case " $FAKE_REMOVED " in *" $package "*) printf 'deinstall ok config-files'; exit 0;; esac
printf 'install ok installed'`,
  // Fails (status 100, as apt-get does) while $FAKE_APT_FAILS holds a count above 0, counting it down.
  'apt-get': `echo "apt-get DEBIAN_FRONTEND=\${DEBIAN_FRONTEND:-} $*" >> "$FAKE_LOG"
read -r fails < "$FAKE_APT_FAILS"
[ "$fails" -gt 0 ] && { echo $((fails - 1)) > "$FAKE_APT_FAILS"; exit 100; }
exit 0`,
  id: '[ "$1" = -u ] && echo "$FAKE_UID"',
  // `sudo -n true` answers with $FAKE_SUDO (1: a password would be needed).
  sudo: `echo "sudo $*" >> "$FAKE_LOG"
[ "$2" = true ] && exit "$FAKE_SUDO"
exit 0`,
}

interface Run {
  status: number | null
  stdout: string
  stderr: string
  /** The stand-ins' calls, with the temp folder written as BIN. */
  calls: string[]
}

let temp: ReturnType<typeof makeTempDir>

beforeEach(() => {
  temp = makeTempDir('ensure-test-tools-')
  fs.chmodSync(temp.dir, 0o755)
})
afterEach(() => temp.rm())

function run(options: { uid: number; missing?: string[]; removed?: string[]; sudo?: 0 | 1; without?: string[]; aptFails?: number }): Run {
  const bin = path.join(temp.dir, 'bin')
  for (const [name, body] of Object.entries(STAND_INS)) {
    if (options.without?.includes(name)) continue
    fs.chmodSync(temp.write(`bin/${name}`, `#!/bin/sh\n${body}\n`), 0o755)
  }
  fs.mkdirSync(bin, { recursive: true })
  const log = temp.write('calls.log', '')
  const aptFails = temp.write('apt-fails', `${options.aptFails ?? 0}\n`)
  const result = spawnSync(BASH, [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: bin,
      FAKE_LOG: log,
      FAKE_UID: String(options.uid),
      FAKE_MISSING: (options.missing ?? []).join(' '),
      FAKE_REMOVED: (options.removed ?? []).join(' '),
      FAKE_SUDO: String(options.sudo ?? 1),
      FAKE_APT_FAILS: aptFails,
      APT_RETRY_SECONDS: '0',
    },
  })
  const calls = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => line.replaceAll(bin, 'BIN'))
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls }
}

const PACKAGES = [
  'python3-feedparser', 'python3-lxml', 'nginx', 'chromium', 'newsboat', 'rss2email', 'sfeed', 'libxml2-utils',
  'python3-prometheus-client', 'varnish', 'varnish-modules',
]

const apt = (calls: string[]) => calls.filter((call) => call.includes('apt-get'))

describe('ensure-test-tools.sh', () => {
  it('asks dpkg-query once per package and nothing else when all are installed', () => {
    for (const uid of [0, 1000]) {
      const result = run({ uid })
      expect(result.status).toBe(0)
      expect(result.stdout + result.stderr).toBe('')
      expect(result.calls).toEqual(
        PACKAGES.map((p) => `dpkg-query -W -f=\${Status} ${p}`),
      )
    }
  })

  it('as a user without sudo rights, stops at once with the line that installs only the missing packages', () => {
    const result = run({ uid: 1000, missing: ['nginx', 'chromium'], sudo: 1 })
    expect(result.status).toBe(1)
    expect(result.stderr).toBe(
      'ensure-test-tools: missing Debian packages: nginx chromium. Install them with:\n' +
        'sudo apt-get update && sudo apt-get install -y --no-install-recommends nginx chromium\n',
    )
    expect(result.calls).toContain('sudo -n true')
    expect(apt(result.calls)).toEqual([])
  })

  it('as a user on a machine without sudo, says the same', () => {
    const result = run({ uid: 1000, missing: ['python3-feedparser'], without: ['sudo'] })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('\nsudo apt-get update && sudo apt-get install -y --no-install-recommends python3-feedparser\n')
    expect(apt(result.calls)).toEqual([])
  })

  it('as root, installs exactly the missing packages without questions or recommends', () => {
    const result = run({ uid: 0, missing: ['python3-lxml', 'chromium'] })
    expect(result.status).toBe(0)
    expect(result.stderr).toBe('ensure-test-tools: installing missing Debian packages: python3-lxml chromium\n')
    expect(apt(result.calls)).toEqual([
      'apt-get DEBIAN_FRONTEND= -o Acquire::Retries=3 update -qq',
      'apt-get DEBIAN_FRONTEND=noninteractive -o Acquire::Retries=3 install -y -qq --no-install-recommends python3-lxml chromium',
    ])
    expect(result.calls.filter((call) => call.startsWith('sudo'))).toEqual([])
  })

  it('counts a package removed with its configuration left behind as missing', () => {
    const result = run({ uid: 0, removed: ['nginx'] })
    expect(result.status).toBe(0)
    expect(apt(result.calls)).toEqual([
      'apt-get DEBIAN_FRONTEND= -o Acquire::Retries=3 update -qq',
      'apt-get DEBIAN_FRONTEND=noninteractive -o Acquire::Retries=3 install -y -qq --no-install-recommends nginx',
    ])
  })

  it('with sudo that needs no password, installs through sudo -n', () => {
    const result = run({ uid: 1000, missing: ['nginx'], sudo: 0 })
    expect(result.status).toBe(0)
    expect(result.calls.filter((call) => call.startsWith('sudo'))).toEqual([
      'sudo -n true',
      'sudo -n BIN/apt-get -o Acquire::Retries=3 update -qq',
      'sudo -n env DEBIAN_FRONTEND=noninteractive BIN/apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends nginx',
    ])
  })

  it('tries the update and install again when apt-get fails, up to three times, and fails with the third', () => {
    const once = run({ uid: 0, missing: ['nginx'], aptFails: 1 })
    expect(once.status).toBe(0)
    expect(once.stderr).toBe('ensure-test-tools: installing missing Debian packages: nginx\nensure-test-tools: apt-get failed (attempt 1 of 3)\n')
    expect(apt(once.calls)).toEqual([
      'apt-get DEBIAN_FRONTEND= -o Acquire::Retries=3 update -qq',
      'apt-get DEBIAN_FRONTEND= -o Acquire::Retries=3 update -qq',
      'apt-get DEBIAN_FRONTEND=noninteractive -o Acquire::Retries=3 install -y -qq --no-install-recommends nginx',
    ])
    const always = run({ uid: 0, missing: ['nginx'], aptFails: 3 })
    expect(always.status).toBe(1)
    expect(always.stderr).toContain('apt-get failed (attempt 3 of 3)\n')
    expect(apt(always.calls)).toEqual(Array(3).fill('apt-get DEBIAN_FRONTEND= -o Acquire::Retries=3 update -qq'))
  })

  it('as root without apt-get, prints the line without sudo and installs nothing', () => {
    const result = run({ uid: 0, missing: ['chromium'], without: ['apt-get'] })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('\napt-get update && apt-get install -y --no-install-recommends chromium\n')
  })

  it('fails plainly where there is no dpkg-query to ask', () => {
    const result = run({ uid: 0, without: ['dpkg-query'] })
    expect(result.status).toBe(1)
    expect(result.stderr).toBe(`ensure-test-tools: no dpkg-query here: the tests need Debian\'s packages ${PACKAGES.join(' ')}\n`)
    expect(result.calls).toEqual([])
  })
})
