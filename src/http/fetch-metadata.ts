/**
 * Whether a request is a browser's top-level navigation: a person opening
 * the URL in a tab (Fetch Metadata, https://www.w3.org/TR/fetch-metadata/:
 * `Sec-Fetch-Dest: document` and `Sec-Fetch-Mode: navigate`). Browsers set
 * these headers themselves, scripts cannot; feed readers send neither. An
 * iframe (`Dest: iframe`), a script's fetch() (`Mode: cors`) or a browser
 * too old to send them (Safari before 16.4, Firefox before 90) is no
 * top-level navigation.
 */
export function isTopLevelNavigation(request: { header(name: string): string | undefined }): boolean {
  // Mode read only for a document: a feed reader's poll reads one header here, not two.
  return request.header('sec-fetch-dest') === 'document' && request.header('sec-fetch-mode') === 'navigate'
}

/** The request headers that decide it: named in Vary wherever the answer depends on them (RFC 9110 §12.5.5). */
export const NAVIGATION_HEADERS = ['Sec-Fetch-Dest', 'Sec-Fetch-Mode'] as const
