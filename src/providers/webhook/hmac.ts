/**
 * The optional HMAC of a webhook request. The signed text is
 * `<timestamp>\n<METHOD>\n<url>\n<body>` (body empty when there is none),
 * the timestamp is the trusted clock's Unix time in whole seconds, sent in
 * `X-Zonekeeper-Timestamp`; the signature is the lower-case hex HMAC, sent
 * in the configured header.
 */
import { createHmac } from 'node:crypto';

export type HmacAlgorithm = 'sha256' | 'sha1';
export const TIMESTAMP_HEADER = 'x-zonekeeper-timestamp';

export function stringToSign(timestamp: string, method: string, url: string, body: string): string {
  return `${timestamp}\n${method}\n${url}\n${body}`;
}

export function hmacSignature(algorithm: HmacAlgorithm, secret: string, text: string): string {
  return createHmac(algorithm, secret).update(text, 'utf8').digest('hex');
}
