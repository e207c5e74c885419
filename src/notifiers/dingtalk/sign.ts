/**
 * DingTalk custom robot "加签" (signature) security setting.
 *
 * Confirmed (the vendor's Python sample for 加签 as quoted by several pages
 * found with the search tool): timestamp = epoch milliseconds;
 * stringToSign = timestamp + "\n" + secret; sign =
 * urlEncode(base64(HMAC-SHA256(key = secret, message = stringToSign)));
 * both go in the query: `…/robot/send?access_token=…&timestamp=…&sign=…`.
 * Assumed (not in what we could read): how far the timestamp may be from
 * the robot's clock (said to be one hour); the caller passes the trusted time.
 */
import { createHmac } from 'node:crypto';

/** The `sign` value before URL encoding (base64). */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}
