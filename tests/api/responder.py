"""A loopback HTTP responder for libegovapi's data-driven tests, in the
style of curl's test server: it answers each request with the next canned
response of a script and records the exact request it got (method, path,
headers, body), so a test can check both what the library decoded and
what it put on the wire.

A response is a dict:
  status, headers        the status and extra headers
  body | body_json | body_file | body_hex | body_repeat: [text, n]
                         the body (text, JSON value, a file under data/,
                         raw bytes, or prefix + text * n + suffix: huge
                         bodies)
  delay                  seconds to wait before answering (stop() cuts it)
  drop                   close the connection without answering
  gzip                   compress the body when the client accepts gzip
The last response repeats when more requests come than the script has.
With tls=(cert, key) it answers HTTPS instead.
"""
import gzip
import http.server
import json
import os
import ssl
import threading

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def body_of(resp):
    if "body_json" in resp:
        return json.dumps(resp["body_json"], ensure_ascii=False).encode()
    if "body_file" in resp:
        with open(os.path.join(DATA, resp["body_file"]), "rb") as f:
            return f.read()
    if "body_repeat" in resp:
        text, n = resp["body_repeat"]
        return (resp.get("prefix", "") + text * n + resp.get("suffix", "")).encode()
    if "body_hex" in resp:
        return bytes.fromhex(resp["body_hex"])
    body = resp.get("body", "")
    return body.encode() if isinstance(body, str) else body


class Responder:
    def __init__(self, script, tls=None):
        self.script = list(script) or [{"status": 200}]
        self.requests = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        responder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with responder.lock:
                    n = len(responder.requests)
                    responder.requests.append({
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body.decode("utf-8", "replace"),
                        "peer": self.client_address[1],
                    })
                    resp = responder.script[min(n, len(responder.script) - 1)]
                if resp.get("delay"):
                    responder.stopping.wait(resp["delay"])
                if resp.get("drop"):
                    self.close_connection = True
                    return
                data = body_of(resp)
                headers = dict(resp.get("headers", {}))
                if resp.get("gzip") and "gzip" in self.headers.get("Accept-Encoding", ""):
                    data = gzip.compress(data)
                    headers["Content-Encoding"] = "gzip"
                if data and not any(k.lower() == "content-type" for k in headers):
                    headers["Content-Type"] = "application/json"
                self.send_response(resp.get("status", 200))
                for k, v in headers.items():
                    self.send_header(k, v)
                status = resp.get("status", 200)
                if status != 304 and status >= 200:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD" and status != 304:
                    try:
                        self.wfile.write(data)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A client that hangs up (a cancel, a deadline) is not an error here.
        self.server.handle_error = lambda request, address: None
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        if tls:
            # tls = (certificate file, key file): answer over TLS.
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls[0], tls[1])
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
