/**
 * libxml2's xmllint (Debian libxml2-utils), as an XML Schema validator we
 * did not write: offline (--nonet), against the schemas vendored under
 * tests/fixtures/schemas. A missing xmllint fails the test that asks.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const SCHEMAS = {
  sitemap: fileURLToPath(new URL('../fixtures/schemas/sitemap.xsd', import.meta.url)),
  siteindex: fileURLToPath(new URL('../fixtures/schemas/siteindex.xsd', import.meta.url)),
  news: fileURLToPath(new URL('../fixtures/schemas/news-sitemap.xsd', import.meta.url)),
} as const

/** Validates `xml` (from stdin) against `schema`; `output` is xmllint's verdict, e.g. "- validates". */
export function validateWithSchema(xml: string, schema: string): { ok: boolean; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, '-'], { input: xml, encoding: 'utf8' })
  if (run.error) throw new Error(`xmllint could not run (install libxml2-utils): ${run.error.message}`)
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() }
}
