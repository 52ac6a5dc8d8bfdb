// `npm test` after its pretest (the Debian tools, the build): the type check
// and vitest at the same time. tsc is one process on one core for 10-25 s;
// started first, as before, it kept vitest waiting that long while the second
// core idled. Now it runs beside vitest's first group, whose files have no
// timing asserts (vitest.config.ts), and its report is printed once vitest is
// done, so the two never interleave. Exits with the type check's status when
// it failed, else vitest's: a type error fails `npm test` as before, and the
// tests still all run.
// Arguments go to vitest (`npm test -- tests/x.test.ts`).
import { spawn } from 'node:child_process'

const run = (command, args, options) =>
  new Promise((resolve) => {
    const child = spawn(command, args, options)
    let output = ''
    child.stdout?.on('data', (chunk) => (output += chunk))
    child.stderr?.on('data', (chunk) => (output += chunk))
    child.once('error', (error) => resolve({ status: 1, output: `${command}: ${error.message}\n` }))
    child.once('exit', (code, signal) => resolve({ status: code ?? (signal ? 1 : 0), output }))
  })

// npm puts node_modules/.bin in PATH for its scripts, and npm itself on it.
const typecheck = run('npm', ['run', '--silent', 'typecheck'], { stdio: ['ignore', 'pipe', 'pipe'] })
const tests = await run('vitest', ['run', ...process.argv.slice(2)], { stdio: 'inherit' })
const checked = await typecheck
// Only a vitest that could not be started has output here (its own went to the terminal).
process.stderr.write(tests.output)
process.stdout.write(checked.status === 0 ? 'typecheck: no errors\n' : `typecheck failed (status ${checked.status}):\n${checked.output}`)
process.exit(checked.status || tests.status)
