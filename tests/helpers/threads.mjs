// The nice value of each thread of a process (Linux: field 19 of
// /proc/PID/task/ID/stat). Plain JavaScript, so that a fixture preloaded into
// the built service (fixtures/start/spy-priority.mjs) reads it as the tests do.
// A thread can end between the listing and the read of its stat (a stamp
// worker done with a restart's file checks, one of libuv's pool): it runs at
// no priority then, so it is left out. CI failed on it once (ENOENT).
import fs from 'node:fs'

export const niceValues = (pid = 'self') =>
  fs.readdirSync(`/proc/${pid}/task`).flatMap((id) => {
    let stat
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${id}/stat`, 'utf8')
    } catch (error) {
      if (error.code === 'ENOENT' || error.code === 'ESRCH') return []
      throw error
    }
    return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])]
  })

export const threadsAtNice19 = (pid = 'self') => niceValues(pid).filter((nice) => nice === 19).length
