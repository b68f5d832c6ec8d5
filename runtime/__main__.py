"""``python -m runtime``: validate, run and draw graph specs from the command line.

Exit codes: 0 success, 1 invalid spec or failed run, 2 usage error (bad arguments,
unreadable file, --input that is not JSON).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import uuid
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command-line mistake: reported with exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m runtime", description="Validate, run and draw Switchyard graph specs."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = sub.add_parser("validate", help="check a spec and list every problem")
    validate.add_argument("spec", metavar="SPEC.json")
    validate.add_argument("--json", action="store_true", help="print problems as JSON")
    run = sub.add_parser("run", help="run a spec with an in-memory checkpointer")
    run.add_argument("spec", metavar="SPEC.json")
    run.add_argument("--input", default="{}", help="input state as JSON (default: {})")
    run.add_argument(
        "--stream",
        metavar="MODE",
        help="print each event of a stream mode (values, updates, messages, custom, debug)",
    )
    run.add_argument("--thread", metavar="ID", help="thread id (default: a new one)")
    run.add_argument(
        "--resume",
        action="append",
        default=[],
        metavar="JSON",
        help="answer the next interrupt with this JSON value (repeatable)",
    )
    run.add_argument(
        "--allow-host", action="append", default=[], help="host http nodes may call (repeatable)"
    )
    mermaid = sub.add_parser("mermaid", help="print the spec as a Mermaid flowchart")
    mermaid.add_argument("spec", metavar="SPEC.json")
    sub.add_parser("catalog", help="print the node kind catalog as JSON")
    return parser


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "_asdict"):
        return value._asdict()
    if hasattr(value, "value") and hasattr(value, "id"):
        return {"id": value.id, "value": value.value}
    return repr(value)


def _dump(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _read_spec(path: str) -> Any:
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text)
    except ValueError as exc:
        print(f"{path} is not valid JSON: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from exc


def _parse_json(option: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{option} is not valid JSON: {exc}") from exc


def _print_problems(path: str, problems: list[Any]) -> None:
    for p in problems:
        print(f"{path}:{p.pointer or '/'}: {p.severity}: {p.message} [{p.code}]", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    from runtime.graphspec import validate_spec

    spec = _read_spec(args.spec)
    problems = validate_spec(spec)
    errors = [p for p in problems if p.severity == "error"]
    if args.json:
        print(_dump([p.to_dict() for p in problems]))
    else:
        _print_problems(args.spec, problems)
        warnings = len(problems) - len(errors)
        if errors:
            print(
                f"{args.spec}: invalid ({len(errors)} errors, {warnings} warnings)", file=sys.stderr
            )
        else:
            nodes = len(spec.get("nodes", []))
            print(f"{args.spec}: ok ({nodes} nodes, {warnings} warnings)")
    return EXIT_INVALID if errors else EXIT_OK


def cmd_mermaid(args: argparse.Namespace) -> int:
    from runtime.graphspec import spec_to_mermaid, validate_spec

    spec = _read_spec(args.spec)
    problems = validate_spec(spec)
    if any(p.severity == "error" for p in problems):
        _print_problems(args.spec, problems)
        return EXIT_INVALID
    sys.stdout.write(spec_to_mermaid(spec))
    return EXIT_OK


def cmd_catalog(args: argparse.Namespace) -> int:
    from runtime.graphspec import catalog

    print(json.dumps(catalog(), indent=2))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from runtime import Command
    from runtime.checkpoint.memory import InMemoryCheckpointer
    from runtime.graphspec import Registry, SpecError, compile_spec

    spec = _read_spec(args.spec)
    graph_input = _parse_json("--input", args.input)
    resumes = [_parse_json("--resume", r) for r in args.resume]
    registry = Registry(http_allowed_hosts=list(args.allow_host))
    try:
        graph = compile_spec(spec, checkpointer=InMemoryCheckpointer(), registry=registry)
    except SpecError as exc:
        _print_problems(args.spec, exc.problems)
        return EXIT_INVALID
    config = {"configurable": {"thread_id": args.thread or f"cli-{uuid.uuid4().hex[:8]}"}}
    next_input: Any = graph_input
    try:
        while True:
            if args.stream:
                for event in graph.stream(next_input, config, stream_mode=args.stream):
                    print(_dump(event), flush=True)
            else:
                print(_dump(graph.invoke(next_input, config)), flush=True)
            pending = graph.get_state(config).interrupts if hasattr(graph, "get_state") else ()
            if not pending:
                return EXIT_OK
            if not resumes:
                print(
                    "paused at an interrupt; run again with --resume JSON to answer it",
                    file=sys.stderr,
                )
                return EXIT_OK
            next_input = Command(resume=resumes.pop(0))
    except ValueError as exc:
        if "stream mode" in str(exc):
            raise UsageError(str(exc)) from exc
        print(f"run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as exc:  # a node's failure: report it, don't dump a traceback
        print(f"run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INVALID


COMMANDS = {
    "validate": cmd_validate,
    "run": cmd_run,
    "mermaid": cmd_mermaid,
    "catalog": cmd_catalog,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # exits with 2 on usage errors
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"python -m runtime {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
