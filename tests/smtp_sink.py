#!/usr/bin/env python3
"""A throwaway SMTP server on loopback for walkaway's tests (needs `pip install aiosmtpd`).

Every accepted message is written to OUT/N.eml (the bytes as received) and OUT/N.json
(envelope sender, recipients, the login used). The server binds the port it is given
(0 = any free port) and prints `READY <port>` once it listens, so a test never races
for a port. It stops when its stdin closes, i.e. when the test that started it ends,
even if that test panicked.

    python3 smtp_sink.py --out DIR [--port 0] [--auth USER:PASSWORD] [--reject-rcpt ADDR]...
                         [--tls implicit|starttls]

--auth requires a login (PLAIN or LOGIN, offered without TLS: loopback only) and
accepts only that user and password. --reject-rcpt answers 550 for that recipient.
--tls serves TLS (from the first byte, or offered through STARTTLS) with the
self-signed certificate in smtp_sink.pem (CN "walkaway test sink", for localhost and 127.0.0.1; a test-only key), which no
client trusts: it shows that a client really verifies certificates.
"""

import argparse
import asyncio
import json
import logging
import os
import ssl
import sys
import threading
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out, reject):
        self.out = out
        self.reject = {r.lower() for r in reject}
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, str(self.count))
        # Write the metadata first and the .eml last (via rename), so a reader that
        # polls for N.eml sees a complete message with its metadata beside it.
        with open(base + ".json", "w") as f:
            login = session.auth_data.login.decode() if session.auth_data else None
            json.dump({"mail_from": envelope.mail_from,
                       "rcpt_tos": envelope.rcpt_tos,
                       "login": login}, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 OK queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--auth", help="USER:PASSWORD required to send")
    ap.add_argument("--reject-rcpt", action="append", default=[])
    ap.add_argument("--tls", choices=["implicit", "starttls"])
    args = ap.parse_args()

    kwargs = {"hostname": "sink.localhost"}
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            # handled=False lets aiosmtpd answer a failure with its standard 535 reply.
            return AuthResult(success=ok, handled=ok, auth_data=auth_data if ok else None)

        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=False)
        # aiosmtpd warns that AUTH without TLS is unsafe; on loopback in a test it is the point.
        warnings.simplefilter("ignore")
        logging.getLogger("mail.log").setLevel(logging.ERROR)

    server_tls = None
    if args.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                         "smtp_sink.pem"))
        if args.tls == "starttls":
            kwargs["tls_context"] = ctx
        else:
            server_tls = ctx

    handler = Sink(args.out, args.reject_rcpt)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, loop=loop, **kwargs), args.host, args.port,
                           ssl=server_tls))
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)

    def wait_for_stdin_eof():
        sys.stdin.read()
        loop.call_soon_threadsafe(loop.stop)

    threading.Thread(target=wait_for_stdin_eof, daemon=True).start()
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    main()
