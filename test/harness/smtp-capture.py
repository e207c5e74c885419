"""A capturing SMTP server for zonekeeper's tests (Debian python3-aiosmtpd).

Listens on --host:--port in one of three modes: plain, starttls (STARTTLS
required before MAIL, and before AUTH), implicit (TLS from the first byte).
With --user/--password it offers AUTH PLAIN and LOGIN (only over TLS) and
requires it. --reject ADDRESS answers 550 to RCPT TO that address.

Every accepted message is written to --dir as NNNN.json (atomically):
envelope (mailFrom, rcptTos), the login used, whether TLS was on, and the
message as Python's email package decodes it (subject with RFC 2047 words
decoded, the text body decoded from its transfer encoding and charset),
plus every header and the raw message.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument('--host', default='127.0.0.1')
parser.add_argument('--port', type=int, required=True)
parser.add_argument('--dir', required=True)
parser.add_argument('--mode', choices=['plain', 'starttls', 'implicit'], default='starttls')
parser.add_argument('--cert')
parser.add_argument('--key')
parser.add_argument('--user')
parser.add_argument('--password')
parser.add_argument('--reject')
args = parser.parse_args()


class Capture:
    def __init__(self):
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.reject is not None and address == args.reject:
            return '550 5.1.1 <%s>: no such user here' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        record = {
            'mailFrom': envelope.mail_from,
            'rcptTos': list(envelope.rcpt_tos),
            'login': session.auth_data.login.decode('utf-8') if isinstance(session.auth_data, LoginPassword) else None,
            'tls': session.ssl is not None or server.transport.get_extra_info('ssl_object') is not None,
            'subject': str(msg['subject']),
            'body': msg.get_content(),
            'headers': {k: str(v) for k, v in msg.items()},
            'raw': raw.decode('ascii', 'replace'),
        }
        self.count += 1
        path = os.path.join(args.dir, '%04d.json' % self.count)
        with open(path + '.tmp', 'w', encoding='utf-8') as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(path + '.tmp', path)
        return '250 2.0.0 accepted'


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode('utf-8') == args.user
          and auth_data.password.decode('utf-8') == args.password)
    # handled=False: aiosmtpd answers 535 itself on failure.
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def main():
    context = None
    if args.mode != 'plain':
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    handler = Capture()
    auth = {}
    if args.user is not None:
        auth = {'authenticator': authenticator, 'auth_required': True, 'auth_require_tls': args.mode != 'plain'}

    def factory():
        return SMTP(handler, hostname='capture.test', tls_context=context if args.mode == 'starttls' else None,
                    require_starttls=args.mode == 'starttls', **auth)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, host=args.host, port=args.port,
                                                        ssl=context if args.mode == 'implicit' else None))
    print('listening', args.host, args.port, args.mode, flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


main()
