/**
 * Response headers as the client returns them: names lower-cased, repeated
 * headers joined with ", " in arrival order, and every `Link` line also
 * kept on its own (a Link value may itself hold several links; callers
 * parse them).
 */
export function responseHeaders(raw: readonly string[]): { headers: Record<string, string>; links: string[] } {
  const headers: Record<string, string> = {};
  const links: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'link') links.push(value);
    const prev = headers[name];
    headers[name] = prev === undefined ? value : `${prev}, ${value}`;
  }
  return { headers, links };
}
