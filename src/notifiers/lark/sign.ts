/**
 * Feishu / Lark custom bot "签名校验" (signature verification).
 *
 * Confirmed (the guide https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 * through its Go/Java/Python samples as quoted by the search tool):
 * timestamp = epoch seconds; stringToSign = timestamp + "\n" + secret,
 * used as the HMAC-SHA256 KEY over an empty message; sign = base64 of the
 * digest; both go in the JSON body as "timestamp" and "sign". We send the
 * timestamp as a string (the guide's example does; integers are seen in
 * use too). Assumed: the allowed distance from the bot's clock (said to be
 * one hour); the caller passes the trusted time.
 */
import { createHmac } from 'node:crypto';

export function larkSign(timestampSeconds: number, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
