/** A tag, its quoted attribute values allowed to hold `>`. */
const TAG = /<(?:[^>"']|"[^"]*"|'[^']*')*>/g
const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos|nbsp));/gi
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

/**
 * The text of sanitised HTML (what sanitize-html and markdown-it write: tags,
 * quoted attributes, numeric and the basic named references), whitespace
 * collapsed. For comparing texts, not for showing them.
 */
export function textOfHtml(html: string): string {
  return normalText(
    html.replace(TAG, ' ').replace(ENTITY, (whole, decimal?: string, hex?: string, name?: string) => {
      if (name !== undefined) return NAMED[name.toLowerCase()] ?? whole
      const code = decimal !== undefined ? Number(decimal) : parseInt(hex as string, 16)
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }),
  )
}

/** Text with every run of whitespace (no-break spaces included) as one space, trimmed, in NFC. */
export function normalText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim()
}
