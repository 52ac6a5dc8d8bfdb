// node --expose-gc tests/helpers/tick-cost.mjs [KEEPER_MODULE_URL]
// Prints {"before":ns,"after":ns}: what one process.nextTick round trip costs once optimized, before and after
// a full GC taken between two rounds (when no tick object is alive), each the median of five rounds of 200,000.
// With a module URL, its keepTickObjectMaps() runs first (src/util/keep-tick-maps.ts).
const [keeper] = process.argv.slice(2)
if (keeper) (await import(keeper)).keepTickObjectMaps()

const ROUND = 200_000
const round = () =>
  new Promise((resolve) => {
    let left = ROUND
    const step = () => (--left > 0 ? process.nextTick(step) : resolve())
    process.nextTick(step)
  })
const nsPerTick = async () => {
  const started = process.hrtime.bigint()
  await round()
  return Number(process.hrtime.bigint() - started) / ROUND
}
const median = async () => {
  const runs = []
  for (let i = 0; i < 5; i++) runs.push(await nsPerTick())
  return runs.sort((a, b) => a - b)[2]
}

for (let i = 0; i < 5; i++) await nsPerTick() // nextTick and its callers optimized by now
const before = await median()
await new Promise((resolve) => setTimeout(resolve, 10))
for (let i = 0; i < 3; i++) globalThis.gc()
await nsPerTick()
const after = await median()
console.log(JSON.stringify({ before, after }))
