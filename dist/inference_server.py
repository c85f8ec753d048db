"""A local stand-in for the Azure ML inference HTTP server (azmlinfsrv), standard library only.

It runs a user's scoring script the way azureml-inference-server-http does: init() once at startup, then per
request run(body_as_str) for an undecorated run() (the result JSON-encoded, a str included), or run(request)
for a @rawhttp one (AMLRequest/AMLResponse are provided when the azureml packages are absent). Routes, status
codes, response bodies and log lines follow the real server; logs use its record format
"%(asctime)s %(levelname).1s [%(process)d] %(name)s - %(message)s" in UTC, so they read and parse the same
locally, in the Azure stand-in and in a real deployment's container log.

Settings: AZUREML_MODEL_DIR, AZUREML_ENTRY_SCRIPT (relative to AZUREML_SOURCE_DIRECTORY, else AML_APP_ROOT or
the working directory), SCORING_TIMEOUT_MS; flags --port (0 = any free port), --request-timeout-ms,
--max-concurrent-requests (default 1), --max-queue (default unbounded) and --reject-status (default 503).

Two machine-readable lines are added for the runner (they are not part of the real server's output):
  AZUREML_LOCAL_LISTENING {"host": ..., "port": ..., "pid": ...}   once the socket is bound
  AZUREML_LOCAL_FAILURE {"code": ..., "file": ..., "line": ..., ...}  before exit code 3 on a startup failure
Python 3.8+.
"""

import argparse
import builtins
import concurrent.futures
import ctypes
import importlib.util
import inspect
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The azmlinfsrv release whose contract (routes, messages, log lines) this file follows.
COMPATIBLE_VERSION = "1.5.1"
BOOT_ERROR_EXIT_CODE = 3  # gunicorn treats 3 as a boot error; the real server exits with it too
LISTING_LIMIT = 200  # the real server lists at most 200 lines of the model directory
HEADER_LIMIT = 100  # the real server answers 431 to longer request-id headers
RUN_FAILED_MESSAGE = "An unexpected error occurred in scoring script. Check the logs for more info."
INTERNAL_ERROR_MESSAGE = "An unexpected internal error occurred. Check the logs for more info."
NOT_FOUND_MESSAGE = (
    "The requested URL was not found on the server. If you entered the URL manually please check your "
    "spelling and try again."
)

_stdout_write = sys.stdout.write
logger = logging.getLogger("azmlinfsrv")
script_logger = logging.getLogger("azmlinfsrv.user_script")


class StartupFailure(Exception):
    """The user's script cannot serve; `code` says which step failed."""

    def __init__(self, code, message, cause=None, function=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.cause = cause
        self.function = function


class ScoringTimeout(Exception):
    pass


class UserScriptException(Exception):
    """run() raised; chained to the user's exception so the log shows both, as the real server's does."""


def emit(line):
    """Writes a raw line to stdout, bypassing the logger and the print hook, and flushes it."""
    _stdout_write(line + "\n")
    sys.stdout.flush()


def configure_logging():
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter("%(asctime)s %(levelname).1s [%(process)d] %(name)s - %(message)s")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    root = logging.getLogger("azmlinfsrv")
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("AZUREML_LOG_LEVEL", "INFO").upper())
    root.propagate = False


def redirect_print():
    """Like the real server: a user's print() to stdout becomes a record of the `azmlinfsrv.print` logger."""
    original = builtins.print
    print_logger = logging.getLogger("azmlinfsrv.print")

    def print_to_logger(*objects, sep=" ", end="\n", file=None, flush=False):
        if file is None or file is sys.stdout:
            print_logger.info(sep.join(str(o) for o in objects))
        else:
            original(*objects, sep=sep, end=end, file=file, flush=flush)

    builtins.print = print_to_logger


# ---------------------------------------------------------------------------------------------- settings


def parse_settings(argv):
    parser = argparse.ArgumentParser(description="Local Azure ML inference server (stdlib emulation)")
    parser.add_argument("--entry-script", "--entry_script", default=os.environ.get("AZUREML_ENTRY_SCRIPT"))
    parser.add_argument("--model-dir", "--model_dir", default=os.environ.get("AZUREML_MODEL_DIR"))
    parser.add_argument("--source-dir", default=os.environ.get("AZUREML_SOURCE_DIRECTORY"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5001")))
    parser.add_argument("--worker-count", "--worker_count", type=int, default=1)
    parser.add_argument(
        "--request-timeout-ms", type=int, default=int(os.environ.get("SCORING_TIMEOUT_MS", str(3600 * 1000)))
    )
    parser.add_argument("--max-concurrent-requests", type=int, default=1)
    parser.add_argument("--max-queue", type=int, default=None, help="waiting requests beyond which to reject")
    parser.add_argument("--reject-status", type=int, default=503)
    settings = parser.parse_args(argv)
    if not settings.entry_script:
        parser.error("set AZUREML_ENTRY_SCRIPT or pass --entry-script")
    app_root = os.environ.get("AML_APP_ROOT", os.getcwd())
    settings.source_dir = os.path.abspath(os.path.join(app_root, settings.source_dir)) if settings.source_dir else None
    base = settings.source_dir or app_root
    settings.entry_script = os.path.abspath(os.path.join(base, settings.entry_script))
    settings.user_code_dir = settings.source_dir or os.path.dirname(settings.entry_script)
    if settings.model_dir:
        settings.model_dir = os.path.abspath(settings.model_dir)
        os.environ["AZUREML_MODEL_DIR"] = settings.model_dir
    return settings


def print_banner(settings, port):
    lines = [
        "",
        "Azure ML Inferencing HTTP server v%s" % COMPATIBLE_VERSION,
        "(local emulation by azureml-staged-deploy: Python standard library, no Flask or gunicorn)",
        "",
        "",
        "Server Settings",
        "---------------",
        "Entry Script Name: %s" % settings.entry_script,
        "Model Directory: %s" % settings.model_dir,
        "Worker Count: 1",
        "Worker Timeout (seconds): 300",
        "Server Port: %d" % port,
        "Health Port: %d" % port,
        "Application Insights Enabled: false",
        "Application Insights Key: None",
        "Inferencing HTTP server version: azmlinfsrv/%s" % COMPATIBLE_VERSION,
        "Max Concurrent Requests: %d" % settings.max_concurrent_requests,
        "Max Queued Requests: %s" % ("unbounded" if settings.max_queue is None else settings.max_queue),
        "",
        "",
        "Server Routes",
        "---------------",
        "Liveness Probe: GET   %s:%d/" % (settings.host, port),
        "Score:          POST  %s:%d/score" % (settings.host, port),
        "",
    ]
    for line in lines:
        emit(line)
    if not settings.model_dir:
        emit("The environment variable 'AZUREML_MODEL_DIR' has not been set.")


# ---------------------------------------------------------------------------------------------- @rawhttp


class RawRequest:
    """What a @rawhttp run() receives: the parts of flask.Request that scoring scripts use."""

    def __init__(self, method, full_path, headers, body):
        url = urllib.parse.urlsplit(full_path)
        self.method = method
        self.full_path = full_path
        self.path = url.path
        self.args = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        self.headers = headers
        self.data = body

    def get_data(self, as_text=False):
        return self.data.decode("utf-8") if as_text else self.data

    def get_json(self, silent=False):
        try:
            return json.loads(self.data.decode("utf-8"))
        except ValueError:
            if silent:
                return None
            raise

    @property
    def json(self):
        return self.get_json()


class RawResponse:
    """AMLResponse(message, status_code, response_headers, json_str) as the real package defines it."""

    def __init__(self, message, status_code, response_headers=None, json_str=False):
        self.status_code = status_code
        self.headers = dict(response_headers or {})
        if message is None or json_str:
            self.body = json.dumps({} if message is None else message).encode("utf-8")
            self.content_type = "application/json"
        else:
            self.body = message if isinstance(message, bytes) else str(message).encode("utf-8")
            self.content_type = self.headers.pop("Content-Type", "text/html; charset=utf-8")


def rawhttp(func):
    func.azureml_rawhttp = True
    return func


def install_rawhttp_modules():
    """Lets `from azureml.contrib.services.aml_request import AMLRequest, rawhttp` (and aml_response) import
    when the azureml packages are not installed, so @rawhttp scripts run here too."""
    import types

    for package in ("azureml.contrib.services", "azureml_inference_server_http.api"):
        try:
            if importlib.util.find_spec(package.split(".")[0]) is not None:
                continue
        except (ImportError, ValueError):
            pass
        parts = package.split(".")
        for depth in range(1, len(parts) + 1):
            name = ".".join(parts[:depth])
            module = sys.modules.setdefault(name, types.ModuleType(name))
            module.__path__ = []
            if depth > 1:
                setattr(sys.modules[".".join(parts[: depth - 1])], parts[depth - 1], module)
        for leaf, members in (("aml_request", {"AMLRequest": RawRequest, "rawhttp": rawhttp}),
                              ("aml_response", {"AMLResponse": RawResponse})):
            module = types.ModuleType(package + "." + leaf)
            module.__dict__.update(members)
            sys.modules[module.__name__] = module
            setattr(sys.modules[package], leaf, module)


# ---------------------------------------------------------------------------------------------- user script


class UserScript:
    def __init__(self, settings):
        self.settings = settings
        self.module = None
        self.passes_headers = False
        self.raw_http = False

    def load(self):
        path = self.settings.entry_script
        if not os.path.isfile(path):
            raise StartupFailure("EntryScriptNotFound", "No such file or directory: %s" % path)
        for folder in (self.settings.source_dir, os.path.dirname(path)):
            if folder and folder not in sys.path:
                sys.path.insert(0, folder)
        try:
            spec = importlib.util.spec_from_file_location("entry_module", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except BaseException as ex:  # noqa: B902 - a script may raise anything, SystemExit included
            raise StartupFailure(
                "UserScriptImportError",
                "Failed to import user script because it raised an unhandled exception",
                cause=ex,
            ) from ex
        for name in ("init", "run"):
            if not callable(getattr(module, name, None)):
                raise StartupFailure(
                    "UserScriptFunctionNotFound",
                    "User script at %s does not have a %s() function defined." % (path, name),
                    function=name,
                )
        self.module = module
        self._check_run_signature()
        script_logger.info("Found user script at %s", path)
        self.raw_http = getattr(module.run, "azureml_rawhttp", False) or self._real_rawhttp_requested()
        if self.raw_http:
            script_logger.info("run() is decorated with @rawhttp. Server will invoke it with the flask request object.")
        else:
            script_logger.info("run() is not decorated. Server will invoke it with the input in JSON string.")

    @staticmethod
    def _real_rawhttp_requested():
        """With the real azureml package installed, its @rawhttp sets a module flag instead of an attribute."""
        module = sys.modules.get("azureml.contrib.services.aml_request")
        return bool(module is not None and getattr(module, "_rawHttpRequested", False))

    def _check_run_signature(self):
        params = list(inspect.signature(self.module.run).parameters.values())
        allowed = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        if any(p.kind not in allowed for p in params):
            raise StartupFailure(
                "UserScriptInvalidRunSignature",
                "run() cannot accept positional-only arguments, *args, or **kwargs.",
                function="run",
            )
        self.passes_headers = any(p.name == "request_headers" for p in params)
        if not [p for p in params if p.name != "request_headers"]:
            raise StartupFailure(
                "UserScriptInvalidRunSignature", "run() needs to accept an argument for input data.", function="run"
            )

    def init(self):
        script_logger.info("Invoking user's init function")
        try:
            self.module.init()
        except BaseException as ex:  # noqa: B902
            message = "Caught an unhandled exception from the user script"
            raise StartupFailure("UserScriptInitFailed", message, ex) from ex
        script_logger.info("Users's init has completed successfully")

    def run(self, raw, headers):
        if self.passes_headers:
            return self.module.run(raw, request_headers=headers)
        return self.module.run(raw)


# ---------------------------------------------------------------------------------------------- failure report


def model_dir_listing(model_dir):
    """Relative paths and sizes under the model directory, depth-first and sorted, at most LISTING_LIMIT."""
    entries = []
    truncated = False
    # followlinks: a local run links the model into AZUREML_MODEL_DIR (src/local/model-mount.ts).
    for folder, dirs, files in os.walk(model_dir, followlinks=True):
        dirs.sort()
        rel_folder = os.path.relpath(folder, model_dir)
        for name in sorted(files):
            if len(entries) >= LISTING_LIMIT:
                truncated = True
                return entries, truncated
            full = os.path.join(folder, name)
            rel = name if rel_folder == "." else os.path.join(rel_folder, name)
            try:
                size = os.path.getsize(full)
            except OSError:
                size = None
            entries.append({"path": rel.replace(os.sep, "/"), "size": size})
    return entries, truncated


def tree_lines(path, depth=0):
    """The model directory as the real server prints it: one name a line, four spaces a level, dirs with '/'."""
    name = os.path.basename(os.path.normpath(path))
    indent = " " * 4 * depth
    if os.path.isdir(path):
        yield "%s%s%s" % (indent, name, os.sep)
        for child in sorted(os.listdir(path)):
            for line in tree_lines(os.path.join(path, child), depth + 1):
                yield line
    else:
        yield "%s%s" % (indent, name)


def innermost_user_frame(ex, user_code_dir):
    """The deepest traceback frame inside the user's code folder: the line to annotate."""
    if isinstance(ex, SyntaxError) and ex.filename and ex.lineno:
        return os.path.abspath(ex.filename), ex.lineno
    root = os.path.realpath(user_code_dir) + os.sep
    found = (None, None)
    for frame in traceback.extract_tb(ex.__traceback__):
        if os.path.realpath(frame.filename).startswith(root):
            found = (os.path.abspath(frame.filename), frame.lineno)
    return found


def report_startup_failure(failure, settings, trace):
    if failure.code == "UserScriptInitFailed":
        logger.error("User's init function failed")
        logger.error("Encountered Exception %s", trace)
    else:
        logger.error(trace)
    listing, truncated = [], False
    model_dir = settings.model_dir
    if model_dir and os.path.isdir(model_dir):
        logger.info("Model Directory Contents:")
        lines = tree_lines(model_dir)
        for index, line in enumerate(lines):
            if index >= LISTING_LIMIT:
                logger.info("Output Truncated. First %d lines shown.", LISTING_LIMIT)
                break
            logger.info(line)
        listing, truncated = model_dir_listing(model_dir)
    elif model_dir:
        logger.error("The model directory %s does not exist.", model_dir)
    cause = failure.cause
    file, line = innermost_user_frame(cause, settings.user_code_dir) if cause else (settings.entry_script, None)
    details = {
        "code": failure.code,
        "message": "%s: %s" % (type(cause).__name__, cause) if cause else failure.message,
        "exceptionType": type(cause).__name__ if cause else None,
        "function": failure.function,
        "file": file,
        "line": line,
        "entryScript": settings.entry_script,
        "modelDir": model_dir,
        "modelDirListing": listing,
        "modelDirListingTruncated": truncated,
        "traceback": trace,
    }
    emit("AZUREML_LOCAL_FAILURE " + json.dumps(details))


# ---------------------------------------------------------------------------------------------- scoring


class Admission:
    """At most `limit` runs at once; beyond that, wait, or reject once `max_queue` requests already wait."""

    def __init__(self, limit, max_queue):
        self.limit = limit
        self.max_queue = max_queue
        self.running = 0
        self.waiting = 0
        self.condition = threading.Condition()

    def enter(self):
        with self.condition:
            if self.running < self.limit:
                self.running += 1
                return True
            if self.max_queue is not None and self.waiting >= self.max_queue:
                return False
            self.waiting += 1
            while self.running >= self.limit:
                self.condition.wait()
            self.waiting -= 1
            self.running += 1
            return True

    def leave(self, _future=None):
        with self.condition:
            self.running -= 1
            self.condition.notify()


def raise_in_thread(thread_id, exception_type):
    """Interrupts a run() that overran its time, as the real server's SIGALRM does (at the next bytecode)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception_type))


class Scorer:
    def __init__(self, script, settings):
        self.script = script
        self.timeout_ms = settings.request_timeout_ms
        self.admission = Admission(settings.max_concurrent_requests, settings.max_queue)
        self.pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=settings.max_concurrent_requests, thread_name_prefix="scoring"
        )

    def score(self, raw, headers):
        """Returns (result, elapsed_ms); raises ScoringTimeout, or the user's exception."""
        # The lock keeps a late interruption from reaching the next request that reuses the pool thread.
        thread_box = {"lock": threading.Lock(), "finished": False}

        def call():
            thread_box["id"] = threading.get_ident()
            started = time.perf_counter()
            try:
                result = self.script.run(raw, headers)
            except Exception as ex:
                raise UserScriptException("Caught an unhandled exception from the user script") from ex
            finally:
                with thread_box["lock"]:
                    thread_box["finished"] = True
            return result, (time.perf_counter() - started) * 1000

        future = self.pool.submit(call)
        future.add_done_callback(self.admission.leave)
        try:
            return future.result(timeout=self.timeout_ms / 1000)
        except concurrent.futures.TimeoutError:
            with thread_box["lock"]:
                frame = sys._current_frames().get(thread_box.get("id"))
                stack = "".join(traceback.format_stack(frame)) if frame else ""
                if not thread_box["finished"] and "id" in thread_box:
                    raise_in_thread(thread_box["id"], TimeoutError)
            raise ScoringTimeout(stack) from None


class Handler(BaseHTTPRequestHandler):
    server_version = "azmlinfsrv/" + COMPATIBLE_VERSION
    protocol_version = "HTTP/1.1"
    scorer = None  # set on the class before serving
    reject_status = 503

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # the real server logs one azmlinfsrv line a request instead (see _finish)

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def do_OPTIONS(self):
        self._route("OPTIONS")

    def do_PUT(self):
        self._route("PUT")

    def do_DELETE(self):
        self._route("DELETE")

    def _route(self, method):
        self.started = time.perf_counter()
        self.extra_headers = {}
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urllib.parse.urlsplit(self.path)
        if not self._request_ids():
            return
        if url.path == "/" and method == "GET":
            return self._send(200, b"Healthy", "text/html; charset=utf-8", log=False)
        if url.path == "/swagger.json" and method == "GET":
            return self._swagger(url)
        if url.path != "/score":
            return self._error(404, NOT_FOUND_MESSAGE)
        if method == "OPTIONS":
            return self._send(200, b"", "text/html; charset=utf-8")
        if method not in ("GET", "POST"):
            return self._error(405, "Method not allowed")
        self._score(method, url, body)

    def _request_ids(self):
        request_id = self.headers.get("x-request-id") or str(uuid.uuid4())
        legacy = self.headers.get("x-ms-request-id", "")
        client = self.headers.get("x-ms-client-request-id", "") or legacy
        legacy = legacy or client or request_id
        if len(request_id) > HEADER_LIMIT:
            self._error(431, "x-request-id must not exceed %d characters" % HEADER_LIMIT)
            return False
        if len(legacy) > HEADER_LIMIT or len(client) > HEADER_LIMIT:
            self._error(431, "x-ms-request-id and x-ms-client-request-id must not exceed %d characters" % HEADER_LIMIT)
            return False
        self.extra_headers.update({"x-request-id": request_id, "x-ms-request-id": legacy})
        if client:
            self.extra_headers["x-ms-client-request-id"] = client
        return True

    def _score(self, method, url, body):
        if self.scorer.script.raw_http:
            raw = RawRequest(method, self.path, self.headers, body)
        elif method == "GET":
            query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            values = {k: parse_value(v[0]) if len(v) == 1 else [parse_value(x) for x in v] for k, v in query.items()}
            raw = json.dumps(values)
        else:
            try:
                raw = body.decode("utf-8")
            except UnicodeDecodeError as ex:
                return self._error(400, "Input cannot be decoded as UTF-8: %s" % ex)
        if not self.scorer.admission.enter():
            return self._error(self.reject_status, "Too many requests: the server is at max concurrency and queue.")
        try:
            result, elapsed_ms = self.scorer.score(raw, dict(self.headers.items()))
        except ScoringTimeout as ex:
            logger.error(
                "Encountered Exception: Traceback (most recent call last):\n%sScoringTimeout: Script failed to "
                "finish execution within the allocated time: %dms",
                ex.args[0],
                self.scorer.timeout_ms,
            )
            return self._error(500, "Scoring timeout after %d ms" % self.scorer.timeout_ms, run_failed=True)
        except Exception:
            logger.error("Encountered Exception: %s", traceback.format_exc().rstrip("\n"))
            return self._error(500, RUN_FAILED_MESSAGE, run_failed=True)
        self.extra_headers["x-ms-run-fn-exec-ms"] = "%.3f" % elapsed_ms
        if isinstance(result, RawResponse):
            logger.info("run() output is HTTP Response")
            self.extra_headers.update(result.headers)
            return self._send(
                result.status_code, result.body, result.content_type, run_failed=result.status_code >= 500
            )
        try:
            payload = json.dumps(result).encode("utf-8")
        except Exception:
            logger.error("Encountered Exception: %s", traceback.format_exc().rstrip("\n"))
            return self._error(500, INTERNAL_ERROR_MESSAGE)
        self._send(200, payload, "application/json")

    def _swagger(self, url):
        version = urllib.parse.parse_qs(url.query).get("version", ["2"])[0]
        if version not in ("2", "2.0"):
            return self._error(404, "Swagger version [%s] is not supported for the scoring script." % version)
        folder = self.scorer.script.settings.user_code_dir
        path = os.path.join(folder, "swagger.json")
        if os.path.isfile(path):
            with open(path, "rb") as f:
                return self._send(200, f.read(), "application/json")
        self._send(200, json.dumps(default_swagger()).encode("utf-8"), "application/json")

    def _error(self, status, message, run_failed=False):
        self._send(status, json.dumps({"message": message}).encode("utf-8"), "application/json", run_failed=run_failed)

    def _send(self, status, payload, content_type, run_failed=False, log=True):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-ms-run-function-failed", "True" if run_failed else "False")
            for name, value in self.extra_headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up; the request line below still records what the server answered
        if log:
            duration = (time.perf_counter() - self.started) * 1000
            logger.info("%s %s %d %.3fms %d", self.command, self.path, status, duration, len(payload))


def parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def default_swagger():
    schema = {"type": "object", "example": {}}
    return {
        "swagger": "2.0",
        "info": {"title": os.environ.get("SERVICE_NAME", "ML service"), "version": "1.0"},
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {
            "/": {"get": {"operationId": "ServiceHealthCheck", "responses": {"200": {"description": "Healthy"}}}},
            "/score": {
                "post": {
                    "operationId": "RunMLService",
                    "parameters": [
                        {"name": "serviceInputPayload", "in": "body", "schema": {"$ref": "#/definitions/ServiceInput"}}
                    ],
                    "responses": {"200": {"description": "Success", "schema": {"$ref": "#/definitions/ServiceOutput"}}},
                }
            },
        },
        "definitions": {"ServiceInput": schema, "ServiceOutput": schema},
    }


# ---------------------------------------------------------------------------------------------- main


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def install_stop_handlers(state):
    def on_signal(signum, _frame):
        name = signal.Signals(signum).name
        if state.get("server") is None:
            state["stopping"] = name
            raise KeyboardInterrupt  # interrupts init(); main() exits quietly
        if not state.get("stopping"):
            state["stopping"] = name
            logger.info("Received %s, shutting down", name)
            threading.Thread(target=state["server"].shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def main(argv=None):
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    settings = parse_settings(argv)
    configure_logging()
    state = {}
    install_stop_handlers(state)
    server = Server((settings.host, settings.port), Handler)
    port = server.server_address[1]
    print_banner(settings, port)
    emit("AZUREML_LOCAL_LISTENING " + json.dumps({"host": settings.host, "port": port, "pid": os.getpid()}))
    emit("Initializing logger")
    redirect_print()
    install_rawhttp_modules()
    script = UserScript(settings)
    try:
        script.load()
        script.init()
    except StartupFailure as failure:
        if state.get("stopping"):
            return 0
        trace = traceback.format_exc().rstrip("\n")
        report_startup_failure(failure, settings, trace)
        return BOOT_ERROR_EXIT_CODE
    except KeyboardInterrupt:
        return 0
    try:
        logger.info("Scoring timeout is set to %d", settings.request_timeout_ms)
        Handler.scorer = Scorer(script, settings)
        Handler.reject_status = settings.reject_status
        state["server"] = server
        if state.get("stopping"):
            return 0
        logger.info("Listening at: http://%s:%d (%d)", settings.host, port, os.getpid())
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        return 0
    finally:
        server.server_close()
    logger.info("Server stopped")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # os._exit, not sys.exit: a run() still busy in a scoring thread must not hold the process open on stop.
    os._exit(code)
